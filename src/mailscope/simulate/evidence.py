"""The in-memory evidence a simulation accumulates before it is written out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Token:
    """An access token as the audit log sees it: ``AppAccessContext`` plus the session.

    ``session_id`` is the Entra session (sign-in ``sessionId`` = audit
    ``AppAccessContext.AADSessionId``; None for app-only tokens); ``token_id`` is the
    sign-in ``uniqueTokenIdentifier``.
    """

    session_id: str | None
    token_id: str
    issued: datetime
    client_app_id: str


@dataclass
class AuditRecord:
    """One unified-audit-log record (the AuditData object) and whether the actor made it."""

    time: datetime
    data: JsonObject
    actor: bool = False


@dataclass
class SignInRecord:
    """One Graph ``signIns`` record; ``kind`` picks the export file it goes to."""

    kind: str  # "interactive" | "noninteractive" | "service_principal"
    time: datetime
    data: JsonObject


@dataclass
class ActorProfile:
    """What the truth file lists about the intruder (first-seen order, no duplicates)."""

    ips: list[str] = field(default_factory=list)
    session_ids: list[str] = field(default_factory=list)
    token_ids: list[str] = field(default_factory=list)
    app_ids: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)

    def note(
        self,
        *,
        ip: str = "",
        session_id: str | None = None,
        token_id: str | None = None,
        app_id: str = "",
        user_agent: str = "",
    ) -> None:
        """Remember an indicator once."""
        for bucket, value in (
            (self.ips, ip),
            (self.session_ids, session_id),
            (self.token_ids, token_id),
            (self.app_ids, app_id),
            (self.user_agents, user_agent),
        ):
            if value and value not in bucket:
                bucket.append(value)


@dataclass
class Evidence:
    """Everything generated so far; writers and the truth builder read it."""

    audit: list[AuditRecord] = field(default_factory=list)
    signins: list[SignInRecord] = field(default_factory=list)
    graph: list[JsonObject] = field(default_factory=list)
    directory: list[JsonObject] = field(default_factory=list)  # Graph directoryAudits
    throttle_windows: list[tuple[str, datetime]] = field(default_factory=list)
    distractors: list[JsonObject] = field(default_factory=list)
    actor: ActorProfile = field(default_factory=ActorProfile)

    def add(self, when: datetime, data: JsonObject, *, actor: bool = False) -> None:
        """Append one audit record."""
        self.audit.append(AuditRecord(when, data, actor))

    def distractor(self, kind: str, reason: str, **keys: object) -> None:
        """List one benign look-alike in the truth's ``distractors`` (keys such as ``upn``,
        ``app_id``, ``ips`` say which mailbox, app or addresses it involves)."""
        self.distractors.append({"kind": kind, **keys, "reason": reason})
