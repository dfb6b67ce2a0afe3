"""Indicators of compromise: the record, its validity window, and the bundled packs."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from typing import Literal

import orjson

from mailscope.errors import Location, RuleError, Where

Strength = Literal["strong", "medium", "corroborating"]
STRENGTHS: tuple[Strength, ...] = ("strong", "medium", "corroborating")

# Indicator types (STIX 2.1 cyber-observable names where one exists) and what they hunt.
HUNT_KIND: dict[str, str] = {
    "ipv4-addr": "ip",
    "ipv6-addr": "ip",
    "user-agent": "user-agent",
    "app-id": "app-id",
    "token-id": "token-id",
    "session-id": "session-id",
}
KNOWN_TYPES = (*HUNT_KIND, "x509-thumbprint", "jwk-kid", "jarm")

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_US_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T].*)?$")
_IP_VERSION = {"ipv4-addr": 4, "ipv6-addr": 6}


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator; ``valid_from``/``valid_until`` are inclusive UTC days (None: open)."""

    type: str
    value: str
    valid_from: date | None = None
    valid_until: date | None = None
    role: str = ""
    strength: Strength = "strong"
    source: str = ""

    @property
    def hunt_kind(self) -> str | None:
        """The retro-hunt family (ip, user-agent, app-id, token-id, session-id) or None."""
        return HUNT_KIND.get(self.type)

    def in_window(self, when: datetime | None) -> bool:
        """Whether ``when`` (naive UTC) falls inside the validity window; unknown times do."""
        if when is None:
            return True
        if self.valid_from is not None and when < datetime.combine(self.valid_from, time()):
            return False
        end = self.valid_until
        return end is None or when < datetime.combine(end + timedelta(days=1), time())

    def window_text(self) -> str:
        """``2023-05-15..2023-06-25`` (open ends shown as ``…``)."""
        start = self.valid_from.isoformat() if self.valid_from else "…"
        end = self.valid_until.isoformat() if self.valid_until else "…"
        return f"{start}..{end}"


@dataclass(frozen=True, slots=True)
class IocSet:
    """A named list of indicators with its sources and caveats."""

    name: str
    title: str
    indicators: tuple[Indicator, ...]
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()
    origin: str = ""
    published: date | None = None


def normalise_value(kind: str, value: str) -> str:
    """Canonical form for matching: IPs/CIDRs compressed, ids lower-case, strings trimmed."""
    value = value.strip()
    if kind in _IP_VERSION:
        network = ipaddress.ip_network(value, strict=False)
        if network.version != _IP_VERSION[kind]:
            raise ValueError(f"an IPv{network.version} address")
        if network.num_addresses == 1:
            return str(network.network_address)
        return str(network)
    if kind in ("app-id", "x509-thumbprint", "jarm"):
        return value.lower()
    return value


def parse_day(value: object, *, location: Where) -> date | None:
    """A day from ``YYYY-MM-DD`` or an ISO timestamp, US ``M/D/YYYY`` (as US exports write
    dates), or Unix seconds (MISP's CSV ``date`` and JSON ``timestamp``); empty means open."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if text.isdigit() and len(text) >= 9:
            seconds = int(text) / 1000 if len(text) >= 12 else int(text)
            return datetime.fromtimestamp(seconds, UTC).date()
        us_day = _US_DAY.match(text)
        if us_day:
            return date(int(us_day[3]), int(us_day[1]), int(us_day[2]))
        return date.fromisoformat(text[:10])
    except (ValueError, OverflowError, OSError) as error:
        raise RuleError(f"bad date {text!r}", location=location) from error


def make_indicator(kind: str, value: str, *, location: Where, **fields: object) -> Indicator:
    """Validate and build one indicator (RuleError with ``location`` when malformed)."""
    kind = kind.strip().lower()
    if kind not in KNOWN_TYPES:
        raise RuleError(
            f"unknown indicator type {kind!r}",
            location=location,
            hint=f"use one of {', '.join(KNOWN_TYPES)}",
        )
    if not value.strip():
        raise RuleError("empty indicator value", location=location)
    try:
        canonical = normalise_value(kind, value)
    except ValueError as error:
        detail = f" ({error})" if str(error).startswith("an IPv") else ""
        raise RuleError(f"bad {kind} value {value!r}{detail}", location=location) from error
    if kind == "app-id" and not _GUID.match(canonical):
        raise RuleError(f"app id {value!r} is not a GUID", location=location)
    strength = str(fields.get("strength") or "strong")
    if strength not in STRENGTHS:
        raise RuleError(f"unknown strength {strength!r}", location=location)
    start = parse_day(fields.get("valid_from"), location=location)
    end = parse_day(fields.get("valid_until"), location=location)
    if start and end and end < start:
        raise RuleError(f"validity window ends before it starts ({value})", location=location)
    return Indicator(
        type=kind,
        value=canonical,
        valid_from=start,
        valid_until=end,
        role=str(fields.get("role") or ""),
        strength=strength,
        source=str(fields.get("source") or ""),
    )


def parse_pack(text: bytes | str, *, location: str) -> IocSet:
    """A mailscope IOC pack (``mailscope.iocpack/1`` JSON)."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise RuleError(f"IOC pack is not JSON: {error}", location=location) from error
    if not isinstance(document, dict) or document.get("schema") != "mailscope.iocpack/1":
        raise RuleError("not a mailscope IOC pack (schema mailscope.iocpack/1)", location=location)
    indicators = tuple(
        make_indicator(
            str(item.get("type", "")),
            str(item.get("value", "")),
            location=Location(location, detail=f"indicator {number}"),
            **{k: v for k, v in item.items() if k not in ("type", "value")},
        )
        for number, item in enumerate(document.get("indicators") or [], start=1)
    )
    return IocSet(
        name=str(document.get("name") or "pack"),
        title=str(document.get("title") or document.get("name") or "IOC pack"),
        indicators=indicators,
        sources={str(k): dict(v) for k, v in (document.get("sources") or {}).items()},
        caveats=tuple(str(c) for c in document.get("caveats") or ()),
        origin=location,
        published=parse_day(document.get("published"), location=location),
    )


@cache
def storm_0558_pack() -> IocSet:
    """The bundled Storm-0558 indicators (``intel/packs/storm-0558.json``)."""
    resource = files("mailscope.intel").joinpath("packs/storm-0558.json")
    return parse_pack(resource.read_bytes(), location="mailscope/intel/packs/storm-0558.json")


def known_bad(kind: str) -> tuple[Indicator, ...]:
    """Bundled indicators of one type (e.g. ``jwk-kid``), for the token checker."""
    return tuple(i for i in storm_0558_pack().indicators if i.type == kind)
