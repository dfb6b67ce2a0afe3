"""Ingest throughput at scale: the simulator's records, ingested next to two parse floors.

For each size in ``--records`` (default 100 K, 1 M and 3 M) and each shape in ``--shapes``
(``csv``: a Purview "Audit search" CSV export; ``jsonl``: Management API JSON lines), the
simulator's scale mode (``mailscope simulate --records N --format purview-csv|mgmt-jsonl``,
that is ``mailscope.simulate.scale.stream_records``) writes one file under ``--work``. Three
fresh spawned processes then read it, one after the other, each timing its own work and
reporting its peak RSS (VmHWM, interpreter and imports included):

- ingest: ``mailscope.ingest.pipeline.ingest(case, [file], bulk=True)`` into a new case;
- bare parse: Python's csv plus ``orjson.loads`` of each AuditData cell (CSV), or
  ``orjson.loads`` of each line (JSON lines), gc disabled: the floor of any Python reader;
- DuckDB reader: ``read_json`` of the fields mailscope maps (CSV: ``read_csv`` all_varchar,
  then ``json_transform`` of AuditData into those fields), scalars as VARCHAR and nested
  values as JSON, every column consumed (sum of lengths) so projection pushdown skips
  nothing; memory_limit 640MB and 2 threads.

Targets (issue 14), per size: Purview CSV >= 55,000 rec/s and >= 0.5 x bare parse; JSON
lines >= 80,000 rec/s; ingest peak RSS <= 1 GiB. Exit status 0 only if every one is met.

Disk: about 1.6-1.8 GB per million records in either shape (1 M ~1.7 GB, 3 M ~5 GB), plus
the case. Each shape's file and case are deleted once measured, so one size's files are gone
before the next size is generated (``--keep`` keeps them all). ``--work`` defaults to a new
temporary folder under /work/bench-tmp, removed at the end unless ``--keep``.

    .venv/bin/python bench/ingest.py [--records 100000,1000000,3000000] [--shapes csv,jsonl]
        [--work DIR] [--keep] [--json OUT]

``write_files`` (the same scale-mode records in both shapes) is what bench/store_floor.py
generates its input with.
"""

from __future__ import annotations

import argparse
import csv
import gc
import multiprocessing
import queue
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from mailscope.simulate.scale import stream_records

MIB, GIB = 2**20, 2**30
SEED = 7  # the CLI's default seed
BENCH_TMP = Path("/work/bench-tmp")
BYTES_PER_RECORD = 1_800 * 3  # the file, the case and some slack, to check free disk
# shape: (label, scale-mode format)
SHAPES = {"csv": ("Purview CSV", "purview-csv"), "jsonl": ("JSON lines", "mgmt-jsonl")}
# The top-level AuditData fields mailscope maps; nested values are read as JSON.
NESTED = ("AppAccessContext", "Parameters", "ExtendedProperties", "OperationProperties", "Folders")
FLOOR_FIELDS = (
    *("Id", "CreationTime", "Operation", "RecordType", "UserId", "UserType", "ClientIP"),
    *("ClientIPAddress", "AppId", "ClientAppId", "SessionId", "MailboxOwnerUPN", "MailboxGuid"),
    *("ResultStatus", "ObjectId", "OrganizationId", *NESTED),
)
Work = Callable[[Path, Path], tuple[float, int]]


def write_files(count: int, folder: Path, seed: int = SEED) -> tuple[Path, Path]:
    """The same scale-mode records as Management API JSON lines and as a Purview CSV."""
    jsonl = stream_records(folder, count, "mgmt-jsonl", seed).path
    return jsonl, stream_records(folder, count, "purview-csv", seed).path


def ingest_work(path: Path, scratch: Path) -> tuple[float, int]:
    """Seconds and records for mailscope's ingest (bulk path) of ``path`` into a new case."""
    from mailscope.ingest.pipeline import ingest

    clock = time.perf_counter()
    run = ingest(scratch / f"case-{path.stem}", [path], bulk=True)
    elapsed = time.perf_counter() - clock
    assert run.quarantined == 0, "scale-mode records must not be quarantined"
    return elapsed, run.records


def bare_work(path: Path, scratch: Path) -> tuple[float, int]:
    """Seconds and records for orjson.loads of every record (of the CSV's AuditData cells)."""
    count = 0
    gc.disable()
    clock = time.perf_counter()
    if path.suffix == ".csv":
        csv.field_size_limit(2**31 - 1)
        with path.open(newline="", encoding="utf-8") as stream:
            reader = csv.reader(stream)
            column = next(reader).index("AuditData")
            for row in reader:
                orjson.loads(row[column])
                count += 1
    else:
        with path.open("rb") as stream:
            for line in stream:
                orjson.loads(line)
                count += 1
    elapsed = time.perf_counter() - clock
    gc.enable()
    return elapsed, count


def duckdb_work(path: Path, scratch: Path) -> tuple[float, int]:
    """Seconds and records for DuckDB's reader of every mapped field, each one consumed."""
    import duckdb

    types = {key: "JSON" if key in NESTED else "VARCHAR" for key in FLOOR_FIELDS}
    if path.suffix == ".csv":
        structure = "{" + ", ".join(f'"{key}": "{kind}"' for key, kind in types.items()) + "}"
        source = (
            f"(SELECT unnest(json_transform(AuditData, '{structure}')) "
            "FROM read_csv(?, header = true, all_varchar = true))"
        )
    else:
        columns = "{" + ", ".join(f"'{key}': '{kind}'" for key, kind in types.items()) + "}"
        source = (
            f"read_json(?, format = 'newline_delimited', columns = {columns}, "
            "maximum_object_size = 16777216)"
        )
    spill = str(scratch / "duckdb")
    connection = duckdb.connect(
        config={"memory_limit": "640MB", "threads": 2, "temp_directory": spill}
    )
    clock = time.perf_counter()
    row = connection.execute(
        f"SELECT count(*), sum(length(COLUMNS(*))) FROM {source}", [str(path)]
    ).fetchone()
    elapsed = time.perf_counter() - clock
    connection.close()
    assert row is not None and sum(value or 0 for value in row[1:]) > 0
    return elapsed, int(row[0])


@dataclass(frozen=True)
class Measure:
    """One child's seconds, records read and peak RSS (bytes)."""

    seconds: float
    records: int
    peak_rss: int

    @property
    def rate(self) -> float:
        return self.records / self.seconds


def peak_rss() -> int:
    """This process's peak RSS in bytes: VmHWM, the high-water mark since exec. (ru_maxrss
    of a spawned child also counts the parent's RSS when it forked, whatever the child uses.)
    """
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.exists() else ():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _child(
    work: Work, path: str, scratch: str, results: multiprocessing.Queue[tuple[float, int, int]]
) -> None:
    seconds, records = work(Path(path), Path(scratch))
    results.put((seconds, records, peak_rss()))


def measure(work: Work, path: Path, scratch: Path) -> Measure:
    """Run ``work`` on ``path`` in a fresh spawned process; its timing and peak RSS."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[float, int, int]] = context.Queue()
    child = context.Process(target=_child, args=(work, str(path), str(scratch), results))
    child.start()
    while True:
        try:
            result = results.get(timeout=1)
            break
        except queue.Empty:
            if not child.is_alive():
                raise RuntimeError(f"{work.__name__} failed (exit {child.exitcode})") from None
    child.join()
    return Measure(*result)


@dataclass(frozen=True)
class Row:
    """One shape at one size: the file and the three measures."""

    records: int
    shape: str
    file_bytes: int
    generate_seconds: float
    ingest: Measure
    bare: Measure
    duckdb: Measure

    def targets(self) -> dict[str, bool]:
        """The issue's targets for this row, each described with its value."""
        rate, ratio = self.ingest.rate, self.ingest.rate / self.bare.rate
        peak = self.ingest.peak_rss / MIB
        met = {f"peak RSS {peak:,.0f} MiB <= 1,024 MiB": peak <= 1024}
        if self.shape == "csv":
            met[f"{rate:,.0f} rec/s >= 55,000"] = rate >= 55_000
            met[f"{ratio:.2f} x bare parse >= 0.5"] = ratio >= 0.5
        else:
            met[f"{rate:,.0f} rec/s >= 80,000"] = rate >= 80_000
        return met


def run_shape(count: int, shape: str, folder: Path) -> Row:
    """Generate one file with scale mode and measure ingest and both floors on it."""
    label, fmt = SHAPES[shape]
    clock = time.perf_counter()
    path = stream_records(folder, count, fmt, SEED).path
    generated = time.perf_counter() - clock
    size = path.stat().st_size
    print(f"{count:,} records, {label}: {size / 1e6:,.0f} MB generated in {generated:.1f} s")
    sys.stdout.flush()
    measures = [measure(work, path, folder) for work in (ingest_work, bare_work, duckdb_work)]
    for work, result in zip(("ingest", "bare parse", "DuckDB reader"), measures, strict=True):
        assert result.records == count, f"{work} read {result.records:,} of {count:,} records"
    return Row(count, shape, size, generated, *measures)


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'shape':12} | {'ingest s':>8} | {'rec/s':>8} | {'MB/s':>6} | {'peak RSS MiB':>12} | "
        f"{'bare-parse rec/s':>16} | {'ratio ingest/bare':>17} | {'duckdb-reader rec/s':>19} | "
        f"{'ratio ingest/duckdb':>19} | floor RSS MiB bare/duckdb"
    )
    print(f"\n{rows[0].records:,} records\n{header}\n{'-' * len(header)}")
    for row in rows:
        ingest, bare, duck = row.ingest, row.bare, row.duckdb
        print(
            f"{SHAPES[row.shape][0]:12} | {ingest.seconds:8.1f} | {ingest.rate:8,.0f} | "
            f"{row.file_bytes / 1e6 / ingest.seconds:6.1f} | {ingest.peak_rss / MIB:12,.0f} | "
            f"{bare.rate:16,.0f} | {ingest.rate / bare.rate:17.2f} | {duck.rate:19,.0f} | "
            f"{ingest.rate / duck.rate:19.2f} | {bare.peak_rss / MIB:,.0f} / "
            f"{duck.peak_rss / MIB:,.0f}"
        )
    for row in rows:
        for target, met in row.targets().items():
            print(f"  {SHAPES[row.shape][0]:12} {target:32} {'met' if met else 'NOT met'}")


def _sizes(text: str) -> list[int]:
    sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError("a comma list of positive record counts")
    return sizes


def _shapes(text: str) -> list[str]:
    shapes = [part.strip() for part in text.split(",") if part.strip()]
    if not shapes or not set(shapes) <= set(SHAPES):
        raise argparse.ArgumentTypeError(f"a comma list of {', '.join(SHAPES)}")
    return shapes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=_sizes, default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--shapes", type=_shapes, default=list(SHAPES), help="csv,jsonl")
    parser.add_argument("--work", type=Path, help=f"files and cases (default: under {BENCH_TMP})")
    parser.add_argument("--keep", action="store_true", help="keep the files and cases")
    parser.add_argument("--json", type=Path, help="write the numbers here as JSON")
    args = parser.parse_args(argv)
    if args.work:
        work, owned = args.work, False
        work.mkdir(parents=True, exist_ok=True)
    else:
        BENCH_TMP.mkdir(parents=True, exist_ok=True)
        work, owned = Path(tempfile.mkdtemp(prefix="ingest-", dir=BENCH_TMP)), True
    print(f"work folder {work}, seed {SEED}", flush=True)
    rows: list[Row] = []
    try:
        for count in args.records:
            free, need = shutil.disk_usage(work).free, count * BYTES_PER_RECORD
            if free < need:
                print(f"{count:,} records need ~{need / GIB:.1f} GiB, {free / GIB:.1f} free")
                return 2
            folder = work / f"records-{count}"
            size_rows = []
            for shape in args.shapes:
                size_rows.append(run_shape(count, shape, folder))
                if not args.keep:  # this shape's file and case, before the next is written
                    shutil.rmtree(folder)
            print_table(size_rows)
            rows.extend(size_rows)
    finally:
        if owned and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    ok = all(all(row.targets().values()) for row in rows)
    print(f"\nissue 14 targets: {'all met' if ok else 'NOT all met'}")
    if args.json:
        results = [
            {
                **asdict(row),
                "records_per_second": {
                    "ingest": row.ingest.rate,
                    "bare": row.bare.rate,
                    "duckdb": row.duckdb.rate,
                },
                "targets": [{"target": text, "met": met} for text, met in row.targets().items()],
            }
            for row in rows
        ]
        document = {"seed": SEED, "results": results, "all_met": ok}
        args.json.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
