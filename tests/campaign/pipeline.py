"""A simulated campaign end to end: simulate N organisations, investigate each (two at a
time, each its own ``mailscope investigate`` process), run ``mailscope campaign`` and score
its ``campaign.json`` against ``campaign-truth.json``. Used by the campaign tests and by
``bench/campaign.py`` (``make campaign-demo``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailscope.simulate.campaign import TRUTH_NAME, simulate_campaign

MAILSCOPE = [sys.executable, "-m", "mailscope"]
# Runs ``mailscope campaign`` in a fresh interpreter and reports its own peak memory.
_MEASURED = """
import resource, sys, time
from mailscope.cli.main import run
sys.argv = ["mailscope", *sys.argv[1:]]
started = time.perf_counter()
try:
    run()
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"MEASURED {time.perf_counter() - started:.3f} {peak}", file=sys.stderr)
"""


@dataclass
class Outcome:
    """What one campaign run got right and wrong, with its timings."""

    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    campaign_rss_mib: float = 0.0
    cases_mib: float = 0.0
    document: dict[str, Any] = field(default_factory=dict)


def simulate(out: Path, orgs: int, seed: int, users: int, days: int) -> list[str]:
    """The organisations' names, in the truth's order."""
    simulate_campaign(out, orgs, seed, users, days)
    return [o["name"] for o in truth(out)["organisations"]]


def truth(out: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((out / TRUTH_NAME).read_text("utf-8"))
    return loaded


def investigate_all(out: Path, names: list[str], jobs: int = 2) -> None:
    """``mailscope investigate ORG/evidence --case ORG/case`` for every organisation."""

    def one(name: str) -> None:
        org = out / name
        done = subprocess.run(
            [*MAILSCOPE, "investigate", str(org / "evidence"), "--case", str(org / "case")],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "120"},
        )
        (org / "investigate.log").write_text(done.stdout + done.stderr, "utf-8")
        if done.returncode != 0:
            raise RuntimeError(f"investigate {name} exited {done.returncode}: {done.stderr[-800:]}")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, names))


def run_campaign(out: Path, view: Path, cases: list[str], bundles: list[str]) -> Outcome:
    """``mailscope campaign`` over the cases and bundles named; timed and measured."""
    args = [str(out / name / "case") for name in cases]
    for name in bundles:
        args += ["--indicators", str(out / name / "case" / "report" / "iocs.stix.json")]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "campaign", *args, "--out", str(view)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"campaign exited {done.returncode}: {done.stderr[-1500:]}")
    outcome = Outcome()
    measured = [line for line in done.stderr.splitlines() if line.startswith("MEASURED ")]
    _, seconds, peak_kib = measured[-1].split()
    outcome.seconds["campaign"] = float(seconds)
    outcome.campaign_rss_mib = int(peak_kib) / 1024
    outcome.cases_mib = (
        sum((out / n / "case" / "case.duckdb").stat().st_size for n in cases) / 2**20
    )
    outcome.document = json.loads((view / "campaign.json").read_text("utf-8"))
    return outcome


def score(document: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every difference from the truth: a status, or the mailbox list of an intrusion."""
    got = {o["name"]: o for o in document["organisations"]}
    errors = []
    for org in expected["organisations"]:
        mine = got.get(org["name"])
        if mine is None:
            errors.append(f"{org['name']}: missing from campaign.json")
            continue
        if mine["status"] != org["status"]:
            errors.append(f"{org['name']}: status {mine['status']}, truth {org['status']}")
        boxes = sorted(m["upn"] for m in mine["mailboxes"])
        if boxes != sorted(org["mailboxes"]):
            errors.append(f"{org['name']}: mailboxes {boxes}, truth {sorted(org['mailboxes'])}")
    return errors


def end_to_end(
    out: Path, orgs: int, seed: int, users: int, days: int, bundles: int = 0, jobs: int = 2
) -> Outcome:
    """Simulate, investigate, campaign (with the first ``bundles`` hit organisations shared
    as indicator bundles only) and score."""
    started = time.perf_counter()
    names = simulate(out, orgs, seed, users, days)
    simulated = time.perf_counter() - started
    investigate_all(out, names, jobs)
    investigated = time.perf_counter() - started - simulated
    expected = truth(out)
    shared = [o["name"] for o in expected["organisations"] if o["status"] == "hit"][:bundles]
    cases = [n for n in names if n not in shared]
    outcome = run_campaign(out, out / "campaign", cases, shared)
    outcome.seconds.update(simulate=simulated, investigate=investigated)
    outcome.errors = score(outcome.document, expected)
    return outcome
