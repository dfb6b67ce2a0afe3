"""``manifest.json``: one entry per evidence file with its SHA-256, format and counts.

Per-file entries carry no wall-clock values, so the same evidence gives the same entries;
ingest run times are listed separately. ``skipped`` counts records recognised as data
mailscope does not analyse, ``skipped_reasons`` says what they were, so that per file
``records = parsed + quarantined + duplicates + skipped``. ``locations`` lists every path
each evidence item (one SHA-256) was found at: the same bytes at two paths are one file
entry with two locations; a location whose file changed and was accepted as new evidence
names the new SHA-256 in ``replaced_by``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import orjson

from mailscope.store.case import column_or, decode_counts
from mailscope.store.locations import recorded_locations
from mailscope.version import __version__

MANIFEST_NAME = "manifest.json"
FILE_FIELDS = (
    "path",
    "sha256",
    "bytes",
    "format",
    "records",
    "quarantined",
    "skipped",
    "skipped_reasons",
    "duplicates",
)


def skipped_columns(connection: duckdb.DuckDBPyConnection) -> str:
    """SQL for ``skipped, skipped_reasons`` of ``evidence`` (constants in older cases)."""
    return ", ".join(
        (
            column_or(connection, "evidence", "skipped", "0"),
            column_or(connection, "evidence", "skipped_reasons", "'{}'"),
        )
    )


def manifest(connection: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The manifest document as a dict (files sorted by path, then hash)."""
    rows = connection.execute(
        "SELECT path, sha256, bytes, format, records, quarantined, "
        f"{skipped_columns(connection)}, duplicates, parsed, seconds "
        "FROM evidence ORDER BY path, sha256"
    ).fetchall()
    files = [dict(zip((*FILE_FIELDS, "parsed", "seconds"), row, strict=True)) for row in rows]
    for entry in files:
        entry["skipped"] = int(entry["skipped"] or 0)
        entry["skipped_reasons"] = decode_counts(entry["skipped_reasons"])
    runs = connection.execute(
        "SELECT run, started_at, finished_at, tool_version, files, records "
        "FROM ingest_runs ORDER BY run"
    ).fetchall()
    return {
        "schema": "mailscope.manifest/1",
        "tool": {"name": "mailscope", "version": __version__},
        "files": [{key: entry[key] for key in FILE_FIELDS} for entry in files],
        "locations": [
            {
                "path": loc.path,
                "sha256": loc.sha256,
                "bytes": loc.bytes,
                **({"replaced_by": loc.replaced_by} if loc.replaced_by else {}),
            }
            for loc in recorded_locations(connection)
        ],
        "ingest_runs": [
            {
                "run": run,
                "started_at": started.isoformat() + "Z",
                "finished_at": finished.isoformat() + "Z",
                "tool_version": version,
                "files": count,
                "records": records,
            }
            for run, started, finished, version, count, records in runs
        ],
    }


def write_manifest(connection: duckdb.DuckDBPyConnection, case_dir: Path) -> Path:
    """Write ``manifest.json`` into the case folder (whole or not at all: written aside,
    then renamed over the old one) and return its path."""
    path = case_dir / MANIFEST_NAME
    partial = path.with_name(MANIFEST_NAME + ".partial")
    partial.write_bytes(orjson.dumps(manifest(connection), option=orjson.OPT_INDENT_2) + b"\n")
    partial.replace(path)
    return path


def manifest_sha256(case_dir: Path) -> str:
    """SHA-256 of ``manifest.json`` as written (what a reader checks the case against);
    '' when the case has none yet."""
    path = case_dir / MANIFEST_NAME
    if not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()
