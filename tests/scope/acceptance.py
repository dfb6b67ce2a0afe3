"""Score a scope.json against a simulator truth.json with the bars of the scope issue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mailscope.detect.engine import detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.scope.run import scope_case
from mailscope.simulate.config import SimConfig


@dataclass(frozen=True)
class Score:
    """How one scope document compares with the truth."""

    precision: float
    recall: float
    min_jaccard: float
    sensitive_exact: bool
    department_error: float
    ips_missing: tuple[str, ...]
    distractors_listed: tuple[str, ...]
    access_times_exact: bool

    def passes(self) -> bool:
        """The acceptance bars: P = R = 1, Jaccard ≥ 0.99, exact sensitive counts,
        department shares within 0.01, every actor IP, no distractor mailbox."""
        return (
            self.precision == 1.0
            and self.recall == 1.0
            and self.min_jaccard >= 0.99
            and self.sensitive_exact
            and self.department_error <= 0.01
            and not self.ips_missing
            and not self.distractors_listed
            and self.access_times_exact
        )


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z"))


def score(document: dict[str, Any], truth: dict[str, Any]) -> Score:
    """Compare mailboxes, exposed sets, sensitive counts, shares, IPs and distractors."""
    got = {m["upn"]: m for m in document["compromised_mailboxes"]}
    want = {m["upn"]: m for m in truth["compromised_mailboxes"]}
    both = set(got) & set(want)
    precision = len(both) / len(got) if got else float(not want)
    recall = len(both) / len(want) if want else 1.0
    jaccards = [1.0]
    sensitive_exact = True
    times_exact = True
    for upn in both:
        a, b = set(got[upn]["exposed_message_ids"]), set(want[upn]["exposed_message_ids"])
        jaccards.append(len(a & b) / len(a | b) if a | b else 1.0)
        sensitive_exact &= got[upn]["sensitive"] == want[upn]["sensitive"]
        times_exact &= all(
            _time(got[upn][k]) == _time(want[upn][k]) for k in ("first_access", "last_access")
        )
    for key in ("us_ssn", "itinerary_messages", "marked_messages"):
        sensitive_exact &= document["totals"][key] == truth["totals"][key]
    shares, truth_shares = (
        document["totals"]["department_share"],
        truth["totals"]["department_share"],
    )
    error = max(
        (
            abs(shares.get(d, 0.0) - truth_shares.get(d, 0.0))
            for d in set(shares) | set(truth_shares)
        ),
        default=0.0,
    )
    decoys = {d["upn"] for d in truth.get("distractors", []) if d.get("upn")} - set(want)
    return Score(
        precision=precision,
        recall=recall,
        min_jaccard=min(jaccards),
        sensitive_exact=sensitive_exact,
        department_error=error,
        ips_missing=tuple(sorted(set(truth["actor"]["ips"]) - set(document["actor"]["ips"]))),
        distractors_listed=tuple(sorted(decoys & set(got))),
        access_times_exact=times_exact,
    )


def simulate_and_scope(
    workdir: Path, scenario: str, variant: str, seed: int, *, users: int = 40, days: int = 10
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Simulate a tenant, ingest, detect and scope it; return (scope.json, truth.json)."""
    import json

    from mailscope.simulate.run import simulate

    sim, case = workdir / "sim", workdir / "case"
    simulate(
        SimConfig(out=sim, seed=seed, users=users, days=days, scenario=scenario, variant=variant)
    )
    ingest(case, [sim])
    detect_case(case)
    document = json.loads(scope_case(case).read_text())
    truth = json.loads((sim / "truth.json").read_text())
    return document, truth
