"""Benchmark detections: seconds per rule over ~1 M simulated audit records, peak RSS, and a
precision/recall table per simulated scenario.

.venv/bin/python bench/detect.py --records 1000000          # scale + quality
.venv/bin/python bench/detect.py --records 0                # quality table only
.venv/bin/python bench/detect.py --case DIR --detect-only   # time detection of a built case

Scale mode generates and ingests in this process, then runs detection in a fresh child
process so that the detection peak RSS is its own, not the ingest's. It writes audit
records only; so that the sign-in anti-joins have something to join against, the
benchmark adds one sign-in per distinct token of 99 % of the mail access (the remaining
1 % play forged tokens). This is benchmark scaffolding, not evidence.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package (scoring)

from tests.detect.simulated import evidence_paths, score

from mailscope.detect.engine import detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.simulate import SimConfig, simulate
from mailscope.simulate.scale import stream_records
from mailscope.store.case import open_case

SCENARIOS = ("storm-0558", "bec-inbox-rule", "oauth-app", "none")
_SIGNINS_SQL = """
INSERT INTO signins (record_key, id, kind, time, user_id, upn, app_id, ip, session_id,
                     unique_token_id, success)
SELECT 'bench-' || t, 'bench-' || t, 'interactive', min(time), min(user_id), min(user_id),
       min(app_id), min(client_ip), min(coalesce(aad_session_id, session_id)), t, true
FROM (SELECT *, unique_token_id AS t FROM mail_access WHERE unique_token_id <> '')
WHERE hash(t) % 100 <> 0
GROUP BY t
"""


def _peak_rss_mb() -> float:
    """Peak RSS of this process image. Linux keeps ``ru_maxrss`` across exec, so a child
    started by the ingesting parent would report the parent's peak; ``VmHWM`` is per image."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_case(records: int, work: Path) -> Path:
    """Generate and ingest ``records`` audit records (plus bench sign-ins); the case folder."""
    clock = time.perf_counter()
    summary = stream_records(work / "evidence", records, "mgmt-jsonl", 1)
    print(f"generated {summary.records:,} records in {time.perf_counter() - clock:.1f} s")
    clock = time.perf_counter()
    ingest(work / "case", [work / "evidence"])
    print(
        f"ingested in {time.perf_counter() - clock:.1f} s; "
        f"ingest process peak RSS {_peak_rss_mb():,.0f} MB"
    )
    connection = open_case(work / "case")
    try:
        connection.execute(_SIGNINS_SQL)
    finally:
        connection.close()
    return work / "case"


def detect_only(case: Path, records: int) -> None:
    """Detect over an ingested case; print seconds per rule and this process's peak RSS."""
    connection = open_case(case, read_only=True)
    try:
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("audit_events", "mail_access", "signins")
        }
        settings = connection.execute(
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchone()
    finally:
        connection.close()
    records = records or int(counts["audit_events"])
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    threads, memory = settings if settings else ("?", "?")
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
        f"DuckDB threads {threads}, memory_limit {memory}"
    )
    clock = time.perf_counter()
    run = detect_case(case)
    total = time.perf_counter() - clock
    per_million = 1_000_000 / max(1, records)
    print(f"\n{'rule':<48} {'status':<8} {'findings':>8} {'s':>7} {'s/1M':>7}")
    for rule in run.runs:
        print(
            f"{rule.rule_id[:48]:<48} {rule.status:<8} {rule.findings:>8} "
            f"{rule.seconds:>7.2f} {rule.seconds * per_million:>7.2f}"
        )
    slowest = max((r.seconds for r in run.runs), default=0.0)
    print(
        f"\ndetect total {total:.1f} s; slowest rule {slowest:.2f} s; "
        f"detect process peak RSS {_peak_rss_mb():,.0f} MB"
    )


def scale(records: int, work: Path) -> None:
    """Build a case of ``records`` records, then time detection in a fresh process."""
    case = build_case(records, work)
    command = [sys.executable, __file__, "--detect-only", "--case", str(case)]
    subprocess.run([*command, "--records", str(records)], check=True)


def quality(work: Path, users: int, days: int) -> None:
    """Simulate every scenario, detect, and print precision/recall of high findings."""
    print(
        f"\n{'scenario':<16} {'high':>5} {'TP':>4} {'precision':>9} {'recall':>7} "
        f"{'detected':>8}  look-alike hits"
    )
    for scenario in SCENARIOS:
        sim = work / f"sim-{scenario}"
        simulate(SimConfig(out=sim, scenario=scenario, users=users, days=days, seed=11))
        case = work / f"case-{scenario}"
        ingest(case, evidence_paths(sim))
        result = score(sim, detect_case(case))
        print(
            f"{scenario:<16} {result.high_findings:>5} {result.true_positives:>4} "
            f"{result.precision:>9.2f} {result.recall:>7.2f} {result.detected!s:>8}  "
            f"{'; '.join(result.distractor_hits) or '-'}"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the scale benchmark and the quality table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--case", type=Path, default=None, help="an already-ingested case")
    parser.add_argument("--detect-only", action="store_true", help="time detection of --case")
    args = parser.parse_args(argv)
    if args.detect_only:
        if args.case is None:
            parser.error("--detect-only needs --case")
        detect_only(args.case, args.records)
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="mailscope-bench-detect-"))
    if args.records:
        scale(args.records, work)
    quality(work, args.users, args.days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
