"""``python -m tests.independent.mgmt_api --out DIR --scenario S --seed N``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tests.independent.mgmt_api.build import SCENARIOS, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.independent.mgmt_api", description=__doc__
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--scenario", choices=SCENARIOS, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument(
        "--no-sp-signins",
        action="store_true",
        help="do not write the service-principal sign-in file",
    )
    parser.add_argument(
        "--signin-lag-days",
        type=int,
        default=0,
        metavar="K",
        help="sign-in exports begin K days after the audit export",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    truth = build(
        args.out,
        args.scenario,
        args.seed,
        args.users,
        args.days,
        sp_signins=not args.no_sp_signins,
        signin_lag_days=args.signin_lag_days,
    )
    totals = truth["totals"]
    print(
        f"{args.scenario} seed {args.seed}: {totals['mailboxes']} compromised mailbox(es), "
        f"{totals['exposed_messages']} exposed message(s), {totals['us_ssn']} SSN(s); "
        f"{time.perf_counter() - started:.1f} s -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
