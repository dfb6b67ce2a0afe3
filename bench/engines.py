"""Detect and scope on both engines at scale: records/s of the detect stage on DuckDB and on
Spark (local mode, this machine's cores), over the same case, with the same findings; and
the scope stage with its sensitive-content scan in the store or on Spark executors, with
the same scope.json.

Evidence: a simulated storm-0558 tenant (directory, sign-ins, audit log, mailbox
exports) topped up with scale-mode audit records (``mailscope.simulate.scale``) to
``--records``. It is ingested once (default engine); then ``detect`` runs on DuckDB and on
Spark, and the findings are compared. The Spark time includes writing the case's tables as
Parquet (reported apart). From Spark's measured per-core rate the script prints an
estimate for a larger case on a larger cluster (``--estimate-records``,
``--estimate-cores``), assuming the per-core rate holds (it ignores shuffle and driver
costs that grow with the cluster).

    .venv/bin/python bench/engines.py --records 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from mailscope.detect.engine import DetectRun, detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.simulate import SimConfig, simulate
from mailscope.simulate.scale import stream_records


def _evidence(folder: Path, records: int) -> list[Path]:
    simulate(SimConfig(out=folder / "sim", seed=7, users=120, days=21, scenario="storm-0558"))
    scale = stream_records(folder / "scale", records, "mgmt-jsonl", 7).path
    sim = folder / "sim"
    return [sim / "ual", sim / "entra", sim / "users.csv", sim / "mailboxes", scale]


def _rows(case: Path) -> int:
    import duckdb

    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as store:
        tables = ("audit_events", "mail_access", "signins", "directory_audits")
        total = 0
        for table in tables:
            row = store.execute(f"SELECT count(*) FROM {table}").fetchone()
            total += int(row[0]) if row else 0
        return total


def _same(a: DetectRun, b: DetectRun) -> bool:
    runs = [(r.rule_id, r.status, r.findings) for r in a.runs]
    return runs == [(r.rule_id, r.status, r.findings) for r in b.runs] and a.findings == b.findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--estimate-records", type=float, default=10e9)
    parser.add_argument("--estimate-cores", type=int, default=100)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--work", type=Path, help="folder kept between runs (reuses its case)")
    args = parser.parse_args()

    from mailscope.scope.run import scope_case
    from mailscope.spark.case_parquet import write_parquet
    from mailscope.spark.detect import spark_rules
    from mailscope.spark.sensitive_scan import spark_scan
    from mailscope.spark.session import spark_session
    from mailscope.store.case import open_case

    work = args.work or Path(tempfile.mkdtemp(prefix="engines-", dir=os.environ.get("BENCH_TMP")))
    case = work / "case"
    reused = args.work is not None and (case / "case.duckdb").exists()
    try:
        ingest_s = 0.0
        if not reused:
            evidence = _evidence(work, args.records)
            clock = time.perf_counter()
            ingest(case, evidence, bulk=True)
            ingest_s = time.perf_counter() - clock
        rows = _rows(case)

        clock = time.perf_counter()
        on_duckdb = detect_case(case)
        duckdb_s = time.perf_counter() - clock

        spark = spark_session(args.master, {"spark.ui.enabled": "false"})
        cores = int(spark.sparkContext.defaultParallelism)
        store = open_case(case)
        clock = time.perf_counter()
        write_parquet(store, work / "parquet")
        parquet_s = time.perf_counter() - clock
        store.close()
        clock = time.perf_counter()
        on_spark = detect_case(case, engine=spark_rules(spark, case, str(work / "parquet")))
        spark_s = time.perf_counter() - clock

        clock = time.perf_counter()
        scope_on_duckdb = scope_case(case).read_bytes()
        duckdb_scope_s = time.perf_counter() - clock
        clock = time.perf_counter()
        scope_on_spark = scope_case(case, scan=spark_scan(spark, str(work / "parquet")))
        spark_scope_s = time.perf_counter() - clock
        same_scope = scope_on_spark.read_bytes() == scope_on_duckdb
        spark.stop()
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)

    per_core = rows / (spark_s * cores)
    estimate_s = args.estimate_records / (per_core * args.estimate_cores)
    result = {
        "records_ingested": rows,
        "ingest_s": round(ingest_s, 1),
        "duckdb_detect_s": round(duckdb_s, 1),
        "duckdb_records_per_s": round(rows / duckdb_s),
        "spark_parquet_s": round(parquet_s, 1),
        "spark_detect_s": round(spark_s, 1),
        "spark_records_per_s": round(rows / spark_s),
        "spark_cores": cores,
        "spark_records_per_core_s": round(per_core),
        "same_findings": _same(on_duckdb, on_spark),
        "duckdb_scope_s": round(duckdb_scope_s, 1),
        "spark_scope_s": round(spark_scope_s, 1),
        "same_scope": same_scope,
        "findings": len(on_duckdb.findings),
        "estimate": {
            "records": args.estimate_records,
            "cores": args.estimate_cores,
            "hours": round(estimate_s / 3600, 1),
        },
    }
    print(f"{rows:,} stored records (audit, mail access, sign-ins, directory audits)")
    print(f"  DuckDB detect: {duckdb_s:7.1f} s  {rows / duckdb_s:10,.0f} records/s")
    print(
        f"  Spark detect:  {spark_s:7.1f} s  {rows / spark_s:10,.0f} records/s "
        f"on {cores} cores ({per_core:,.0f} per core); Parquet export {parquet_s:.1f} s"
    )
    print(f"  same findings on both engines: {result['same_findings']} ({len(on_duckdb.findings)})")
    print(
        f"  scope: DuckDB {duckdb_scope_s:.1f} s, Spark content scan {spark_scope_s:.1f} s; "
        f"same scope.json: {same_scope}"
    )
    print(
        f"  estimate: {args.estimate_records:,.0f} records on {args.estimate_cores} cores "
        f"at this per-core rate: {estimate_s / 3600:.1f} h of detect"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
