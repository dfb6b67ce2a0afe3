"""Benchmark scale mode: records/s and peak RSS for N streamed audit records.

.venv/bin/python bench/simulate.py --records 10000000 --format purview-csv --out /tmp/big
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil

from mailscope.simulate.scale import FORMATS, stream_records


def main(argv: list[str] | None = None) -> int:
    """Run one scale-mode generation and print throughput and memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--format", choices=sorted(FORMATS), default="purview-csv")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="mailscope-bench-"))
    process = psutil.Process()
    peak_sampled = 0

    def sample(done: int) -> None:
        nonlocal peak_sampled
        peak_sampled = max(peak_sampled, process.memory_info().rss)

    started = time.perf_counter()
    summary = stream_records(out, args.records, args.format, args.seed, progress=sample)
    seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux: the process's lifetime peak, imports included.
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, peak_sampled)
    size = summary.path.stat().st_size
    print(f"format        {args.format}")
    print(f"records       {summary.records:,} ({summary.actor_records:,} actor)")
    print(f"seconds       {seconds:.1f}")
    print(f"records/s     {summary.records / seconds:,.0f}")
    print(f"peak RSS      {peak / 2**20:,.1f} MiB")
    print(f"output        {summary.path} ({size / 2**30:.2f} GiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
