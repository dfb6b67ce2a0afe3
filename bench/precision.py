"""Precision of mailscope on tenants it did not write: build independent tenants, investigate
them, score each against its truth and print a markdown table.

The generator is ``tests.independent.<name>`` with ``build(out, scenario, seed, users, days)``
returning the truth (``mgmt_api`` and ``portal``). Each tenant is built in a temporary
directory and investigated with ``mailscope investigate DIR/evidence --case CASE -q``.

    .venv/bin/python bench/precision.py --generator mgmt_api --seeds 1
    .venv/bin/python bench/precision.py --generator portal --scenario none --seeds 1-3 \
        --json out.json
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.independent.score import Score, score_case  # noqa: E402

DEFAULT_SCENARIOS = (
    "forged-bind",
    "forged-sync",
    "first-party-reuse",
    "mixed",
    "oauth-app",
    "none",
)


def seed_list(text: str) -> list[int]:
    """'1-3,7' -> [1, 2, 3, 7]."""
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += list(range(int(low), int(high or low) + 1))
    return seeds


def _row(score: Score) -> str:
    ssn = f"{score.ssn_got}/{score.ssn_want}"
    return (
        f"| {score.tenant} | {score.in_scope} | {score.truly_read} | "
        f"{score.mailbox_precision:.2f} | {score.mailbox_recall:.2f} | "
        f"{score.jaccard_overall:.3f} (min {score.jaccard_min:.3f}) | {ssn} | "
        f"{score.actor_ip_precision:.2f} | {score.high_critical} | "
        f"{'yes' if score.passes() else 'no'} |"
    )


HEADER = (
    "| tenant | in scope | truly read | precision | recall | Jaccard | SSN got/want | "
    "actor-IP precision | high/critical | passes |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def run_one(
    generator: Any, name: str, scenario: str, seed: int, args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    """Build, investigate and score one tenant; returns the score plus timings."""
    tenant = work / f"{name}-{scenario}-{seed}"
    extra: dict[str, Any] = {}
    if args.no_sp_signins:
        extra["sp_signins"] = False
    if args.signin_lag_days:
        extra["signin_lag_days"] = args.signin_lag_days
    started = time.perf_counter()
    truth = generator.build(tenant, scenario, seed, args.users, args.days, **extra)
    built = time.perf_counter() - started
    case = tenant / "case"
    started = time.perf_counter()
    result = subprocess.run(
        [args.mailscope, "investigate", str(tenant / "evidence"), "--case", str(case), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    investigated = time.perf_counter() - started
    if result.returncode != 0:
        print(
            f"{name}/{scenario}/{seed}: mailscope exited {result.returncode}: "
            f"{result.stderr.strip()[-800:]}",
            file=sys.stderr,
        )
        return {
            "tenant": f"{name}/{scenario}/{seed}",
            "error": result.stderr[-4000:],
            "build_seconds": built,
            "investigate_seconds": investigated,
        }
    score = score_case(case, truth, f"{name}/{scenario}/{seed}")
    return {
        **score.as_dict(),
        "build_seconds": round(built, 1),
        "investigate_seconds": round(investigated, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generator", default="mgmt_api", help="mgmt_api or portal")
    parser.add_argument("--scenario", action="append", help="repeatable; default: all")
    parser.add_argument("--seeds", default="1", help="e.g. 1 or 1,2 or 1-3")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--no-sp-signins", action="store_true")
    parser.add_argument("--signin-lag-days", type=int, default=0)
    parser.add_argument("--mailscope", default=str(ROOT / ".venv" / "bin" / "mailscope"))
    parser.add_argument("--keep", type=Path, default=None, help="keep tenants and cases here")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args(argv)
    generator = importlib.import_module(f"tests.independent.{args.generator}")
    scenarios = args.scenario or list(getattr(generator, "SCENARIOS", DEFAULT_SCENARIOS))
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="mailscope-precision-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for seed in seed_list(args.seeds):
            for scenario in scenarios:
                results.append(run_one(generator, args.generator, scenario, seed, args, work))
    print(HEADER)
    for result in results:
        if "error" in result:
            print(f"| {result['tenant']} | error | | | | | | | | no |")
            continue
        fields = {
            k: v
            for k, v in result.items()
            if k not in ("passes", "build_seconds", "investigate_seconds")
        }
        fields["false_mailboxes"] = tuple(fields["false_mailboxes"])
        fields["missed_mailboxes"] = tuple(fields["missed_mailboxes"])
        print(_row(Score(**fields)))
    passed = sum(1 for r in results if r.get("passes"))
    print(f"\n{passed}/{len(results)} tenants pass")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
