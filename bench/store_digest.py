"""A digest of every stored row, to show that a change leaves the case store's values alone.

Each evidence file is ingested on its own into a fresh case, once by the bulk path and once
record by record; for every table with rows (the run bookkeeping apart: run times and
durations differ from run to run) it prints the row count and a SHA-256 of the rows sorted.
Run it on two revisions and compare:

    PYTHONPATH=OLD/src .venv/bin/python bench/store_digest.py FILE... --json old.json
    .venv/bin/python bench/store_digest.py FILE... --json new.json --compare old.json

``--compare`` exits 1 when any table's count or digest differs, and names it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from mailscope.ingest.pipeline import ingest

# Tables whose rows record when and how long a run took, not what the evidence holds.
BOOKKEEPING = ("ingest_runs", "evidence", "run_journal", "meta")


def digests(path: Path, work: Path) -> dict[str, list[object]]:
    """``"<file> <path> <table>": [rows, sha256]`` (file as given) for both ingest paths."""
    out: dict[str, list[object]] = {}
    for label, bulk in (("bulk", True), ("record", False)):
        case = work / f"{path.name}-{label}"
        shutil.rmtree(case, ignore_errors=True)
        ingest(case, [path], bulk=bulk)
        for table, digest in table_digests(case / "case.duckdb").items():
            out[f"{path} {label} {table}"] = digest
        shutil.rmtree(case, ignore_errors=True)
    return out


def table_digests(
    store_file: Path, leave_out: dict[str, tuple[str, ...]] | None = None, scrub: str = ""
) -> dict[str, list[object]]:
    """``table: [rows, sha256 of the rows sorted]`` for every table with rows, bookkeeping
    apart, without the columns ``leave_out`` names per table and with the text ``scrub``
    (e.g. where the package is installed) removed."""
    out: dict[str, list[object]] = {}
    store = duckdb.connect(str(store_file), read_only=True)
    try:
        tables = store.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            if table in BOOKKEEPING:
                continue
            dropped = (leave_out or {}).get(table)
            chosen = f"* EXCLUDE ({', '.join(dropped)})" if dropped else "*"
            rows = store.execute(f"SELECT {chosen} FROM {table} ORDER BY ALL").fetchall()
            if rows:
                text = repr(rows).replace(scrub, "") if scrub else repr(rows)
                out[table] = [len(rows), hashlib.sha256(text.encode()).hexdigest()]
    finally:
        store.close()
    return out


def report(result: dict[str, list[object]], save: Path | None, other: Path | None) -> int:
    """Print the digests, save them, and compare with ``other``'s: 1 when any differs."""
    for key, (rows, digest) in sorted(result.items()):
        print(f"{key} {rows:,} {str(digest)[:16]}")
    if save:
        save.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    if other is None:
        return 0
    before: dict[str, list[object]] = json.loads(other.read_text())
    differ = sorted(k for k in result.keys() | before.keys() if result.get(k) != before.get(k))
    for key in differ:
        print(f"DIFFERS: {key}: {before.get(key)} -> {result.get(key)}")
    print(f"{len(result)} compared, {len(differ)} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="write the digests here")
    parser.add_argument("--compare", type=Path, help="digests of another revision")
    args = parser.parse_args()
    result: dict[str, list[object]] = {}
    with tempfile.TemporaryDirectory(prefix="store-digest-") as work:
        for path in args.files:
            result.update(digests(path, Path(work)))
    return report(result, args.json, args.compare)


if __name__ == "__main__":
    sys.exit(main())
