"""Score detections against a simulated tenant's truth: detected, distractors quiet, P/R.

Shared by the simulated-tenant tests and ``bench/detect.py``. A high (or critical)
finding is a true positive when its entities touch the actor (actor IPs, sessions,
tokens, or a non-first-party actor app); otherwise it is a false positive. A scenario is
detected when at least one high finding is a true positive; recall is the share of
compromised mailboxes named by a true-positive high finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from mailscope.detect.apps import first_party_apps
from mailscope.detect.engine import DetectRun
from mailscope.model.finding import Finding

HIGH = ("high", "critical")


@dataclass(frozen=True)
class Score:
    """Per-scenario outcome of a detect run against the simulation truth."""

    scenario: str
    high_findings: int
    true_positives: int
    mailboxes_found: int
    mailboxes_total: int
    distractor_hits: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.true_positives / self.high_findings if self.high_findings else 1.0

    @property
    def recall(self) -> float:
        return self.mailboxes_found / self.mailboxes_total if self.mailboxes_total else 1.0

    @property
    def detected(self) -> bool:
        return self.true_positives > 0 or self.mailboxes_total == 0


def evidence_paths(sim_dir: Path) -> list[Path]:
    """The log evidence of a simulation (mailbox content is not needed to detect)."""
    return [p for p in (sim_dir / "ual", sim_dir / "entra", sim_dir / "users.csv") if p.exists()]


def score(sim_dir: Path, run: DetectRun) -> Score:
    """Compare the high findings of ``run`` with ``truth.json``."""
    truth = orjson.loads((sim_dir / "truth.json").read_bytes())
    actor = truth["actor"]
    first_party = set(first_party_apps())
    actor_keys = {
        "ips": set(actor.get("ips", [])),
        "sessions": set(actor.get("session_ids", [])),
        "tokens": set(actor.get("token_ids", [])),
        "apps": set(actor.get("app_ids", [])) - first_party,
    }
    compromised = {c["upn"] for c in truth["compromised_mailboxes"]}
    high = [f for f in run.findings if f.severity in HIGH]
    positives = [f for f in high if _touches(f, actor_keys)]
    found = {m for f in positives for m in f.mailboxes} & compromised
    return Score(
        scenario=str(truth["scenario"]["name"]),
        high_findings=len(high),
        true_positives=len(positives),
        mailboxes_found=len(found),
        mailboxes_total=len(compromised),
        distractor_hits=tuple(_distractor_hits(truth, high, actor_keys, compromised)),
    )


def _touches(finding: Finding, actor: dict[str, set[str]]) -> bool:
    return any(set(getattr(finding, kind)) & values for kind, values in actor.items())


def _distractor_hits(
    truth: dict[str, object],
    high: list[Finding],
    actor: dict[str, set[str]],
    compromised: set[str],
) -> list[str]:
    """High findings that name a benign look-alike's app, or its mailbox without the actor."""
    hits = []
    for distractor in truth.get("distractors", []):  # type: ignore[union-attr]
        app = distractor.get("app_id")
        upn = distractor.get("upn")
        for finding in high:
            if app and app in finding.apps:
                hits.append(f"{distractor['kind']}: {finding.rule_id} names app {app}")
            elif upn and upn in finding.mailboxes and not _touches(finding, actor):
                hits.append(f"{distractor['kind']}: {finding.rule_id} on {upn}")
    return sorted(set(hits))
