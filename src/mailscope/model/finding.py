"""A finding: what a detection concluded, on which entities, resting on which records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import duckdb
import orjson

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


@dataclass(frozen=True, slots=True)
class Finding:
    """One conclusion of one rule. ``evidence_keys`` are ``record_key`` values of store rows."""

    rule_id: str
    title: str
    severity: Severity
    confidence: float
    explanation: str
    attack_ids: tuple[str, ...] = ()
    mailboxes: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    evidence_keys: tuple[str, ...] = ()
    details: dict[str, object] = field(default_factory=dict)

    @property
    def finding_id(self) -> str:
        """Stable id from the rule and the entities, so re-runs give the same ids."""
        digest = hashlib.sha256()
        for part in (
            self.rule_id,
            self.mailboxes,
            self.users,
            self.apps,
            self.ips,
            self.sessions,
            self.tokens,
            str(self.first_seen),
            str(self.last_seen),
        ):
            digest.update(repr(part).encode())
        return f"{self.rule_id}:{digest.hexdigest()[:16]}"


def write_findings(connection: duckdb.DuckDBPyConnection, findings: list[Finding]) -> None:
    """Insert findings (entity lists sorted, for deterministic output)."""
    rows = [
        (
            f.finding_id,
            f.rule_id,
            f.title,
            f.severity,
            f.confidence,
            sorted(f.attack_ids),
            sorted(f.mailboxes),
            sorted(f.users),
            sorted(f.apps),
            sorted(f.ips),
            sorted(f.sessions),
            sorted(f.tokens),
            f.first_seen,
            f.last_seen,
            sorted(f.evidence_keys),
            f.explanation,
            orjson.dumps(f.details, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode(),
        )
        for f in findings
    ]
    if rows:
        connection.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
