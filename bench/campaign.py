"""Simulated campaigns end to end: simulate N organisations, investigate each (two at a
time on this 2-core machine), ``mailscope campaign``, and score against the truth.

    .venv/bin/python bench/campaign.py --orgs 25 --seeds 1,2 --users 200
    .venv/bin/python bench/campaign.py --orgs 6 --seeds 1-3 --bundles 2

Prints per seed: stage timings, the campaign step's own time and peak RSS next to the
cases' store size (it reads scopes and aggregates, not raw records), and every status or
mailbox list that differs from campaign-truth.json. Exits 1 when any differs. ``make
campaign-demo`` runs it once on 25 organisations of 200 mailboxes and keeps the output.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from precision import seed_list  # noqa: E402  (bench/ is the script folder)
from tests.campaign.pipeline import end_to_end  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=25)
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument(
        "--bundles", type=int, default=0, help="hit organisations shared as bundles"
    )
    parser.add_argument("--jobs", type=int, default=2, help="investigations run at once")
    parser.add_argument("--out", type=Path, help="keep everything here (default: a temp folder)")
    args = parser.parse_args()
    failed = 0
    print(
        "| seed | orgs | simulate s | investigate s | campaign s | campaign RSS MiB | "
        "cases MiB | hit | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for seed in seed_list(args.seeds):
        work = (
            (args.out / f"seed-{seed}") if args.out else Path(tempfile.mkdtemp(prefix="campaign-"))
        )
        if work.exists():
            shutil.rmtree(work)
        outcome = end_to_end(work, args.orgs, seed, args.users, args.days, args.bundles, args.jobs)
        s = outcome.seconds
        summary = outcome.document["summary"]
        print(
            f"| {seed} | {args.orgs} | {s['simulate']:.1f} | {s['investigate']:.1f} | "
            f"{s['campaign']:.2f} | {outcome.campaign_rss_mib:.0f} | {outcome.cases_mib:.0f} | "
            f"{summary['hit']} ({summary['mailboxes']} mailboxes) | {len(outcome.errors)} |"
        )
        for error in outcome.errors:
            print(f"  - {error}")
        failed += bool(outcome.errors)
        if args.out:
            print(f"  campaign view: {work / 'campaign' / 'campaign.html'}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
