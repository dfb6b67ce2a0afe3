"""Bulk ingest: DuckDB reads and maps large UAL files in SQL, row-for-row as the Python readers.

Readers offer it through an optional ``bulk_read(source, connection, quarantine)`` method;
the pipeline uses it when present. Records the SQL cannot map exactly fall back to the
reader's own Python mapping inside the same load, so results never depend on the path.
"""
