"""Read ``scope.json`` (schema ``mailscope.scope/1``, see DESIGN.md) into typed records.

The report's headline numbers come from this file, not from the store tables, so the
report and the public scope contract can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from mailscope.errors import CaseError

SCOPE_NAME = "scope.json"
SCOPE_SCHEMA = "mailscope.scope/1"
ACTOR_KINDS = ("ips", "session_ids", "app_ids", "user_agents")


@dataclass(frozen=True, slots=True)
class MailboxScope:
    """One compromised mailbox as scope.json states it; times as written (ISO-8601)."""

    upn: str
    department: str
    first_access: str
    last_access: str
    exposed: int
    bind: int
    sync: int
    throttled: int
    us_ssn: int
    itinerary: int
    marked: int
    why: str = ""
    evidence_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SuspectedMailbox:
    """A mailbox reached only through weak links (scope.json ``suspected_mailboxes``)."""

    upn: str
    department: str
    first_access: str
    last_access: str
    records: int
    why: str


@dataclass(frozen=True, slots=True)
class Scope:
    """The scope document; ``present`` is False when the scope stage has not run."""

    present: bool
    mailboxes: tuple[MailboxScope, ...]
    actor: dict[str, tuple[str, ...]]
    mailbox_total: int
    exposed_messages: int
    us_ssn: int
    itinerary_messages: int
    marked_messages: int
    department_share: tuple[tuple[str, float], ...]  # largest share first, then by name
    raw: bytes
    headline: str = ""
    suspected: tuple[SuspectedMailbox, ...] = ()
    accounts: tuple[str, ...] = ()
    intrusion_found: bool = False  # verdict.intrusion_found (older documents: any mailbox)

    @property
    def first_access(self) -> str:
        """Earliest actor access over all mailboxes ('' when none)."""
        return min((m.first_access for m in self.mailboxes if m.first_access), default="")

    @property
    def last_access(self) -> str:
        """Latest actor access over all mailboxes ('' when none)."""
        return max((m.last_access for m in self.mailboxes if m.last_access), default="")


EMPTY_SCOPE = Scope(False, (), {kind: () for kind in ACTOR_KINDS}, 0, 0, 0, 0, 0, (), b"")


def load_scope(case_dir: Path) -> Scope:
    """Parse ``case_dir/scope.json``; :data:`EMPTY_SCOPE` when it does not exist yet."""
    path = case_dir / SCOPE_NAME
    if not path.exists():
        return EMPTY_SCOPE
    raw = path.read_bytes()
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise CaseError(f"scope.json is not valid JSON: {error}", location=str(path)) from error
    if not isinstance(document, dict) or document.get("schema") != SCOPE_SCHEMA:
        raise CaseError(
            f"scope.json does not declare schema {SCOPE_SCHEMA!r}",
            location=str(path),
            hint="re-run 'mailscope scope' with this version of mailscope",
        )
    try:
        return _scope(document, raw)
    except (KeyError, TypeError, ValueError) as error:
        raise CaseError(f"scope.json is malformed: {error!r}", location=str(path)) from error


def _scope(document: dict[str, object], raw: bytes) -> Scope:
    totals = _mapping(document.get("totals", {}))
    actor = _mapping(document.get("actor", {}))
    shares = _mapping(totals.get("department_share", {}))
    mailboxes = tuple(_mailbox(_mapping(item)) for item in _list(document["compromised_mailboxes"]))
    return Scope(
        present=True,
        mailboxes=tuple(sorted(mailboxes, key=lambda m: (-m.exposed, m.upn))),
        actor={kind: tuple(str(v) for v in _list(actor.get(kind, []))) for kind in ACTOR_KINDS},
        mailbox_total=_count(totals, "mailboxes"),
        exposed_messages=_count(totals, "exposed_messages"),
        us_ssn=_count(totals, "us_ssn"),
        itinerary_messages=_count(totals, "itinerary_messages"),
        marked_messages=_count(totals, "marked_messages"),
        department_share=tuple(
            sorted(((str(k), float(v)) for k, v in shares.items()), key=lambda s: (-s[1], s[0]))  # type: ignore[arg-type]
        ),
        raw=raw,
        headline=str(_mapping(document.get("verdict", {})).get("headline") or ""),
        suspected=tuple(
            _suspected(_mapping(item)) for item in _list(document.get("suspected_mailboxes", []))
        ),
        accounts=tuple(str(v) for v in _list(actor.get("accounts", []))),
        intrusion_found=bool(
            _mapping(document.get("verdict", {})).get("intrusion_found", bool(mailboxes))
        ),
    )


def _suspected(item: dict[str, object]) -> SuspectedMailbox:
    return SuspectedMailbox(
        upn=str(item["upn"]),
        department=str(item.get("department") or ""),
        first_access=str(item.get("first_access") or ""),
        last_access=str(item.get("last_access") or ""),
        records=_count(item, "records"),
        why=str(item.get("why") or ""),
    )


def _evidence_keys(item: dict[str, object]) -> tuple[str, ...]:
    keys: list[str] = []
    for chain in _list(item.get("evidence", [])):
        keys += [str(k) for k in _list(_mapping(chain).get("record_keys", []))]
    return tuple(keys)


def _mailbox(item: dict[str, object]) -> MailboxScope:
    basis = _mapping(item.get("exposure_basis", {}))
    sensitive = _mapping(item.get("sensitive", {}))
    return MailboxScope(
        upn=str(item["upn"]),
        department=str(item.get("department") or ""),
        first_access=str(item.get("first_access") or ""),
        last_access=str(item.get("last_access") or ""),
        exposed=len(_list(item.get("exposed_message_ids", []))),
        bind=_count(basis, "bind"),
        sync=_count(basis, "sync"),
        throttled=_count(basis, "throttled"),
        us_ssn=_count(sensitive, "us_ssn"),
        itinerary=_count(sensitive, "itinerary_messages"),
        marked=_count(sensitive, "marked_messages"),
        why=str(item.get("why") or ""),
        evidence_keys=_evidence_keys(item),
    )


def _mapping(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"expected an array, got {type(value).__name__}")
    return value


def _count(mapping: dict[str, object], key: str) -> int:
    value = mapping.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{key!r} must be an integer, got {value!r}")
    return value
