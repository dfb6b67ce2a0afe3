"""Floors of the ingest throughput: how long parsing alone and writing the store alone take.

Ingest cannot beat the time DuckDB needs to parse the file plus the time it needs to write
the rows the store contract asks for (``audit_events`` with each record's raw JSON, and one
``mail_access`` row per item read). This script measures both on an ingested case, with
nothing else in the way, and prints the ceiling they put on records/s next to the targets.

    .venv/bin/python bench/store_floor.py [--records 1000000]      # generates and ingests
    .venv/bin/python bench/store_floor.py --case DIR --jsonl FILE --csv FILE  # reuses files

Parse floor: DuckDB's parallel C++ readers reading every mapped field as text (``read_json``;
``read_csv`` then ``json_transform`` of the AuditData cells): no mapping, no gate, no raw
text kept. Write floor: the case's
rows, already in memory as Arrow, inserted into a fresh case store (same schema, same memory
limit) and checkpointed; Parquet (zstd) written from the same rows for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from mailscope.ingest.bulk.mapping import FIELDS
from mailscope.store.case import open_case

TABLES = ("audit_events", "mail_access")
TARGETS = {"JSON lines": 100_000, "Purview CSV": 50_000}


def _mapped_keys() -> list[str]:
    """The top-level AuditData keys the mapper reads (one spelling of case twins)."""
    keys = {p.split(".")[1].lower(): p.split(".")[1] for _, p in FIELDS if p.count(".") == 1}
    return list(keys.values())


def parse_seconds(path: Path) -> tuple[float, int]:
    """Seconds for DuckDB to read every mapped field of every record as text.

    JSON lines: ``read_json``. Purview CSV: ``read_csv``, then ``json_transform`` of each
    AuditData cell. Every field is consumed, so no column is skipped by projection pushdown.
    """
    keys = _mapped_keys()
    if path.suffix == ".csv":
        structure = "{" + ", ".join(f'"{key}": "VARCHAR"' for key in keys) + "}"
        records = (
            f"SELECT unnest(json_transform(AuditData, '{structure}')) "
            "FROM read_csv(?, all_varchar = true, header = true)"
        )
    else:
        columns = "{" + ", ".join(f"'{key}': 'VARCHAR'" for key in keys) + "}"
        records = (
            f"SELECT * FROM read_json(?, format = 'newline_delimited', columns = {columns}, "
            "maximum_object_size = 16777216)"
        )
    connection = duckdb.connect()
    clock = time.perf_counter()
    row = connection.execute(
        f"SELECT count(*), sum(strlen(concat(COLUMNS(*)))) FROM ({records})", [str(path)]
    ).fetchone()
    return time.perf_counter() - clock, int(row[0]) if row else 0


def write_seconds(rows: dict[str, pa.Table], scratch: Path) -> dict[str, float]:
    """Seconds to insert each table's rows into a fresh case store, then to checkpoint."""
    target = scratch / "floor-case"
    shutil.rmtree(target, ignore_errors=True)
    connection = open_case(target, create=True)
    seconds: dict[str, float] = {}
    for table, arrow in rows.items():
        connection.register("_floor", arrow)
        clock = time.perf_counter()
        connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _floor")
        connection.execute("CHECKPOINT")
        seconds[table] = time.perf_counter() - clock
        connection.unregister("_floor")
    connection.close()
    return seconds


def parquet_seconds(rows: dict[str, pa.Table], scratch: Path) -> float:
    """Seconds to write the same rows as zstd Parquet files with DuckDB."""
    connection = duckdb.connect()
    clock = time.perf_counter()
    for table, arrow in rows.items():
        connection.register("_floor", arrow)
        target = scratch / f"{table}.parquet"
        connection.execute(
            f"COPY (SELECT * FROM _floor) TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )
        connection.unregister("_floor")
    return time.perf_counter() - clock


def ingested(records: int, scratch: Path) -> tuple[Path, Path, Path]:
    """Generate ``records`` synthetic UAL records (JSON lines and Purview CSV) and ingest the
    JSON lines (bulk path); the case and both files."""
    sys.path.insert(0, str(Path(__file__).parent))
    from ingest import write_files  # the same records bench/ingest.py measures
    from mailscope.ingest.pipeline import ingest

    jsonl, purview = write_files(records, scratch)
    case = scratch / "case"
    clock = time.perf_counter()
    ingest(case, [jsonl], bulk=True)
    elapsed = time.perf_counter() - clock
    print(f"ingested {records:,} records in {elapsed:.1f} s ({records / elapsed:,.0f} rec/s)")
    return case, jsonl, purview


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--case", type=Path, help="a case ingested from --jsonl")
    parser.add_argument("--jsonl", type=Path, help="the JSON lines file of that case")
    parser.add_argument("--csv", type=Path, help="the same records as a Purview CSV")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        if args.case and args.jsonl and args.csv:
            case, jsonl, purview = args.case, args.jsonl, args.csv
        else:
            case, jsonl, purview = ingested(args.records, scratch)
        parses = {"JSON lines": parse_seconds(jsonl), "Purview CSV": parse_seconds(purview)}
        for label, (seconds, count) in parses.items():
            print(f"parse floor   {label:16} {seconds:6.1f} s  {count / seconds:>10,.0f} rec/s")
        source = open_case(case, read_only=True)
        rows = {table: source.sql(f"SELECT * FROM {table}").to_arrow_table() for table in TABLES}
        source.close()
        writes = write_seconds(rows, scratch)
        for table, seconds in writes.items():
            count = rows[table].num_rows
            print(
                f"write floor   {table:16} {seconds:6.1f} s  {count / seconds:>10,.0f} rows/s "
                f"({count:,} rows, {rows[table].nbytes / 2**20:,.0f} MiB in Arrow)"
            )
        bare = write_seconds({"audit_events": rows["audit_events"].drop_columns(["raw"])}, scratch)
        print(f"(audit_events without its raw column: {bare['audit_events']:.1f} s)")
        parquet = parquet_seconds(rows, scratch)
        print(f"(the same rows written as zstd Parquet instead: {parquet:.1f} s)")
        write = sum(writes.values())
        for label, (seconds, count) in parses.items():
            ceiling = count / (seconds + write)
            target = TARGETS[label]
            print(
                f"ceiling       {label:16} {seconds + write:6.1f} s  {ceiling:>10,.0f} rec/s "
                f"(parse + write, no mapping) | target {target:,}: mapping budget "
                f"{count / target - seconds - write:+.1f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
