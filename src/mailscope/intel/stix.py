"""STIX 2.1 in and out: indicator patterns <-> :class:`Indicator` values.

Only equality comparisons (and ``ISSUBSET`` for IP ranges) on the observable paths below
become indicators; anything else is reported as skipped, never guessed at. OpenCTI writes
its custom observables the same way (``[user-agent:value = '…']``, its
``stix2_create_pattern.py``). Identifiers of exported objects are UUIDv5 of their content,
so the same pack gives the same bundle.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import stix2
from stix2patterns.v21.pattern import Pattern  # type: ignore[import-untyped]

from mailscope.errors import Location, RuleError, Where
from mailscope.intel.entries import Entries, line_of
from mailscope.intel.ioc import Indicator, IocSet, Strength, storm_0558_pack
from mailscope.intel.vocabulary import name_key, type_names

# STIX object path -> mailscope indicator type ("ip": either version, read from the value).
# Types STIX 2.1 has no observable for (JWK kid, JARM, Entra app / token / session ids) use
# custom ``x-`` objects.
_UA = "extensions.'http-request-ext'.request_header.'User-Agent'"
PATH_TYPES: dict[tuple[str, str], str] = {
    ("ipv4-addr", "value"): "ipv4-addr",
    ("ipv6-addr", "value"): "ipv6-addr",
    ("network-traffic", "src_ref.value"): "ip",
    ("network-traffic", "dst_ref.value"): "ip",
    ("network-traffic", _UA.replace("'", "")): "user-agent",
    ("user-agent", "value"): "user-agent",
    ("x509-certificate", "hashes.SHA-1"): "x509-thumbprint",
    ("x-jwk", "kid"): "jwk-kid",
    ("x-jarm", "value"): "jarm",
    ("x-entra-app", "app_id"): "app-id",
    ("x-entra-token", "unique_token_id"): "token-id",
    ("x-entra-session", "session_id"): "session-id",
}
EXPORT_PATHS: dict[str, tuple[str, str]] = {
    "ipv4-addr": ("ipv4-addr", "value"),
    "ipv6-addr": ("ipv6-addr", "value"),
    "user-agent": ("network-traffic", _UA),
    "x509-thumbprint": ("x509-certificate", "hashes.'SHA-1'"),
    "jwk-kid": ("x-jwk", "kid"),
    "jarm": ("x-jarm", "value"),
    "app-id": ("x-entra-app", "app_id"),
    "token-id": ("x-entra-token", "unique_token_id"),
    "session-id": ("x-entra-session", "session_id"),
}
# Indicator strength <-> STIX ``confidence`` (0-100, STIX 2.1 section 5.1 "Confidence").
CONFIDENCE: dict[Strength, int] = {"strong": 85, "medium": 50, "corroborating": 15}
_NAMESPACE = uuid.UUID("7b6f2f49-8f5e-4a4e-9a43-2d1f0c6e5a10")


@dataclass(frozen=True, slots=True)
class StixImport:
    """Indicators read from a bundle, what was skipped and why, and what was refused."""

    indicators: tuple[Indicator, ...]
    skipped: tuple[str, ...]
    errors: tuple[RuleError, ...] = ()
    not_hunted: tuple[tuple[str, int], ...] = ()


def read_stix_bundle(text: str, *, location: str) -> StixImport:
    """Indicators from a STIX 2.1 bundle (indicator objects with ``stix`` patterns).

    A comparison whose value is not what its path says is refused with the object's line;
    the rest of the bundle is still read.
    """
    try:
        bundle = stix2.parse(text, allow_custom=True)
    except Exception as error:  # stix2 raises many unrelated exception types
        raise RuleError(f"not a STIX 2.1 bundle: {error}", location=location) from error
    entries = Entries()
    for obj in getattr(bundle, "objects", None) or []:
        if obj.get("type") != "indicator":
            continue
        line = line_of(text, "id", str(obj.get("id")))
        where = Location(location, line or None, detail=str(obj.get("id")))
        if obj.get("pattern_type") != "stix":
            entries.skip(where, f"pattern type {obj.get('pattern_type')!r}")
            continue
        for kind, value, problem, object_type in comparisons(str(obj.get("pattern"))):
            if problem:
                _skip(entries, where, problem, object_type)
                continue
            entries.add(
                kind,
                value,
                where=where,
                valid_from=_day(obj.get("valid_from")),
                valid_until=_last_day(obj.get("valid_until")),
                role=str(obj.get("description") or obj.get("name") or ""),
                strength=_strength(obj.get("confidence")),
                source=_source(obj),
            )
    return StixImport(
        tuple(entries.indicators),
        tuple(entries.skipped),
        tuple(entries.errors),
        tuple(sorted(entries.not_hunted.items())),
    )


def _skip(entries: Entries, where: Where, problem: str, object_type: str) -> None:
    """A comparison on a recognised observable mailscope does not hunt (``domain-name``,
    ``file`` …) is counted as not hunted; any other one is an unsupported pattern."""
    known = type_names().get(name_key(object_type)) if object_type else None
    if known is not None and known.kind is None:
        entries.not_hunted[known.family] += 1
        entries.skip(
            where, f"{problem.removeprefix('unsupported path ')}: {known.family}, not hunted"
        )
        return
    entries.skip(where, problem)


def comparisons(pattern: str) -> list[tuple[str, str, str, str]]:
    """(type, value, problem, object type) per comparison; problem '' when usable."""
    try:
        data = Pattern(pattern).inspect()
    except Exception as error:  # the pattern grammar raises its own exception family
        return [("", "", f"bad pattern: {error}", "")]
    out: list[tuple[str, str, str, str]] = []
    for object_type, comparisons in sorted(data.comparisons.items()):
        for path, operator, literal in comparisons:
            dotted = ".".join(str(part) for part in path)
            if dotted.endswith("_ref.type"):
                continue  # names the referenced object's type; its value is compared beside
            kind = PATH_TYPES.get((object_type, dotted))
            if kind is None:
                out.append(("", "", f"unsupported path {object_type}:{dotted}", object_type))
            elif operator not in ("=", "ISSUBSET"):
                out.append(("", "", f"unsupported operator {operator}", object_type))
            else:
                out.append((kind, _unquote(str(literal)), "", object_type))
    return out


def _unquote(literal: str) -> str:
    if len(literal) >= 2 and literal[0] == literal[-1] == "'":
        return literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    return literal


def _day(value: Any) -> date | None:
    return value.date() if isinstance(value, datetime) else None


def _last_day(value: Any) -> date | None:
    """STIX ``valid_until`` is exclusive; mailscope windows end on an inclusive day."""
    if not isinstance(value, datetime):
        return None
    return (value - timedelta(microseconds=1)).date()


def _strength(confidence: Any) -> Strength:
    """The strength a STIX confidence expresses (absent: strong, the analyst's claim)."""
    if not isinstance(confidence, int):
        return "strong"
    if confidence >= CONFIDENCE["strong"] - 15:
        return "strong"
    return "medium" if confidence >= CONFIDENCE["corroborating"] + 15 else "corroborating"


def _source(obj: Any) -> str:
    for reference in obj.get("external_references") or []:
        name = reference.get("source_name")
        if name:
            return str(name)
    return ""


def bundled_stix_text() -> str:
    """The shipped ``packs/storm-0558.stix.json`` (made by :func:`write_bundled_stix`)."""
    return files("mailscope.intel").joinpath("packs/storm-0558.stix.json").read_text("utf-8")


def write_bundled_stix(target: Path) -> None:
    """Write the Storm-0558 pack as STIX 2.1 to ``target`` (how the shipped file is made)."""
    target.write_text(pack_to_stix(storm_0558_pack()), "utf-8")


def pack_to_stix(pack: IocSet) -> str:
    """A deterministic STIX 2.1 bundle of ``pack`` (JSON text, keys sorted).

    Every object's ``created``/``modified`` is the pack's publication day, never the clock.
    """
    created = _midnight(pack.published) or datetime(1970, 1, 1, tzinfo=UTC)
    identity = stix2.Identity(
        id=_id("identity", "mailscope"),
        name="mailscope",
        identity_class="system",
        created=created,
        modified=created,
    )
    references = {
        key: stix2.ExternalReference(
            source_name=key, description=str(s.get("title", "")), url=s.get("url")
        )
        for key, s in sorted(pack.sources.items())
    }
    actor = stix2.ThreatActor(
        id=_id("threat-actor", pack.name),
        name=pack.name.capitalize() if pack.name.islower() else pack.name,
        description=pack.title,
        created=created,
        modified=created,
        created_by_ref=identity.id,
    )
    objects: list[Any] = [identity, actor]
    for indicator in pack.indicators:
        stix_indicator = _indicator(indicator, created, identity.id, references)
        objects.append(stix_indicator)
        objects.append(
            stix2.Relationship(
                id=_id("relationship", stix_indicator.id),
                relationship_type="indicates",
                source_ref=stix_indicator.id,
                target_ref=actor.id,
                created=created,
                modified=created,
                created_by_ref=identity.id,
            )
        )
    bundle = stix2.Bundle(id=_id("bundle", pack.name), objects=objects, allow_custom=True)
    return str(bundle.serialize(pretty=True, sort_keys=True)) + "\n"


def _indicator(
    indicator: Indicator,
    created: datetime,
    creator: str,
    references: dict[str, stix2.ExternalReference],
) -> stix2.Indicator:
    object_type, path = EXPORT_PATHS[indicator.type]
    literal = indicator.value.replace("\\", "\\\\").replace("'", "\\'")
    operator = "ISSUBSET" if "/" in indicator.value and object_type.endswith("-addr") else "="
    pattern = f"[{object_type}:{path} {operator} '{literal}']"
    valid_from = _midnight(indicator.valid_from) or created
    valid_until = (
        _midnight(indicator.valid_until + timedelta(days=1)) if indicator.valid_until else None
    )
    reference = references.get(indicator.source)
    return stix2.Indicator(
        id=_id("indicator", f"{indicator.type}:{indicator.value}"),
        name=f"{indicator.type} {indicator.value}",
        description=indicator.role or None,
        indicator_types=["malicious-activity"],
        pattern=pattern,
        pattern_type="stix",
        valid_from=valid_from,
        valid_until=valid_until,
        created=created,
        modified=created,
        created_by_ref=creator,
        external_references=[reference] if reference else None,
        confidence=CONFIDENCE[indicator.strength],
    )


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def _id(kind: str, name: str) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, f'{kind}:{name}')}"


if (
    __name__ == "__main__"
):  # python -m mailscope.intel.stix src/mailscope/intel/packs/storm-0558.stix.json
    import sys

    write_bundled_stix(Path(sys.argv[1]))
