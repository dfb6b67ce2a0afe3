"""The Spark engine: mailscope's rules and mappings, written once, run on a cluster.

Install with ``pip install 'mailscope[spark]'`` (PySpark, and Java 17+). Nothing here is
imported by the default engine; the CLI imports it only for ``--engine spark``.
"""
