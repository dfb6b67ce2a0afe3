"""Reports derived from a case: HTML for people, JSON/STIX/Timesketch/CSV/Markdown for tools.

Entry point: :func:`mailscope.report.render.report_case`. Every renderer reads the same
typed records (:mod:`mailscope.report.load_data`); evidence strings are escaped per medium.
"""
