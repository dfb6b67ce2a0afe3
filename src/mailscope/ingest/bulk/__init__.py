"""Bulk ingest: DuckDB reads and maps large UAL files in SQL, row-for-row as the Python readers.

A reader offers it by naming a loader in ``bulk_shape`` and giving its per-record mapping
through ``record_mapper()``; the pipeline calls :func:`ual.bulk_load` for large files of such
readers. Readers never import this package: it sits above them. Records the SQL cannot map
exactly fall back to the reader's own Python mapping inside the same load, so results never
depend on the path.
"""
