"""Score a mailscope case against an independent generator's truth.

Reads ``CASE/scope.json`` (``compromised_mailboxes``, ``actor.ips``, ``totals.us_ssn``) and
``CASE/report/findings.jsonl`` (``severity`` of each finding) after ``mailscope
investigate``. Message ids are compared case-insensitively inside their angle brackets;
IP addresses in canonical form. ``suspected_mailboxes`` are reported, never scored.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HIGH = frozenset({"high", "critical"})
JACCARD_BAR = 0.99


@dataclass(frozen=True)
class Score:
    """How mailscope did on one tenant."""

    tenant: str
    intrusion: bool
    in_scope: int
    truly_read: int
    suspected: int
    mailbox_precision: float
    mailbox_recall: float
    jaccard_min: float
    jaccard_overall: float
    ssn_got: int
    ssn_want: int
    actor_ips_got: int
    actor_ip_precision: float
    actor_ip_recall: float
    high_critical: int
    false_mailboxes: tuple[str, ...]
    missed_mailboxes: tuple[str, ...]

    def passes(self) -> bool:
        """The bars: exact mailboxes, Jaccard >= 0.99, exact SSNs; quiet on ``none``."""
        if not self.intrusion:
            return self.in_scope == 0 and self.actor_ips_got == 0 and self.high_critical == 0
        return (
            self.mailbox_precision == 1.0
            and self.mailbox_recall == 1.0
            and self.jaccard_min >= JACCARD_BAR
            and self.jaccard_overall >= JACCARD_BAR
            and self.ssn_got == self.ssn_want
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["passes"] = self.passes()
        return data


def _mid(value: str) -> str:
    return "<" + value.strip().strip("<>").lower() + ">"


def _ip(value: str) -> str:
    text = value.strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text.lower()


def _ratio(part: int, whole: int) -> float:
    return 1.0 if whole == 0 else part / whole


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return 1.0 if not a and not b else len(a & b) / len(a | b)


def _exposed(mailboxes: list[dict[str, Any]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for entry in mailboxes:
        ids = {_mid(i) for i in entry.get("exposed_message_ids", [])}
        out.setdefault(str(entry["upn"]).lower(), set()).update(ids)
    return out


def high_critical_findings(case: Path) -> int:
    path = case / "report" / "findings.jsonl"
    if not path.exists():
        return 0
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and str(json.loads(line).get("severity", "")).lower() in HIGH:
            count += 1
    return count


def score_case(case: Path, truth: dict[str, Any], tenant: str = "") -> Score:
    """Compare ``case`` (after ``mailscope investigate``) with ``truth``."""
    scope = json.loads((case / "scope.json").read_text(encoding="utf-8"))
    got = _exposed(scope.get("compromised_mailboxes", []))
    want = _exposed(truth["compromised_mailboxes"])
    hits = set(got) & set(want)
    per_mailbox = [_jaccard(got.get(upn, set()), ids) for upn, ids in want.items()]
    got_pairs = {(upn, i) for upn, ids in got.items() for i in ids}
    want_pairs = {(upn, i) for upn, ids in want.items() for i in ids}
    got_ips = {_ip(i) for i in scope.get("actor", {}).get("ips", [])}
    want_ips = {_ip(i) for i in truth["actor"]["ips"]}
    return Score(
        tenant=tenant or f"{truth.get('generator')}/{truth.get('scenario')}/{truth.get('seed')}",
        intrusion=bool(truth["intrusion"]),
        in_scope=len(got),
        truly_read=len(want),
        suspected=len(scope.get("suspected_mailboxes", []) or []),
        mailbox_precision=_ratio(len(hits), len(got)),
        mailbox_recall=_ratio(len(hits), len(want)),
        jaccard_min=min(per_mailbox, default=1.0 if not got else 0.0),
        jaccard_overall=_jaccard(got_pairs, want_pairs),
        ssn_got=int(scope.get("totals", {}).get("us_ssn", 0)),
        ssn_want=int(truth["totals"]["us_ssn"]),
        actor_ips_got=len(got_ips),
        actor_ip_precision=_ratio(len(got_ips & want_ips), len(got_ips)),
        actor_ip_recall=_ratio(len(got_ips & want_ips), len(want_ips)),
        high_critical=high_critical_findings(case),
        false_mailboxes=tuple(sorted(set(got) - set(want))),
        missed_mailboxes=tuple(sorted(set(want) - set(got))),
    )
