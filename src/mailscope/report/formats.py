"""The report formats and the case folder they are written into.

Apart from :mod:`mailscope.report.render` so ``mailscope report --help`` can name them
without loading the renderers (Jinja2, STIX).
"""

from __future__ import annotations

REPORT_DIR = "report"
FORMATS = ("html", "json", "stix", "timeline", "csv", "md")
