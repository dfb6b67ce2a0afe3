"""The names IOC files give indicator types and columns (``data/ioc_vocabulary.json``).

A MISP ``ip-dst``, an OTX ``IPv4``, a ThreatFox ``ip:port`` and a STIX ``ipv4-addr`` all name
what mailscope hunts as an IP; a ``domain`` or ``sha256`` is recognised and skipped (the case
store has no column to hunt it in). A type in no vocabulary is refused, never guessed from
the value, and a value that is not what its type says is refused too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import orjson

from mailscope.errors import RuleError, Where
from mailscope.ingest.normalise import normalise_ip

TABLE = "mailscope/intel/data/ioc_vocabulary.json"
# Defanged addresses as advisories print them (``192.0.2[.]1``) and their plain form.
_DEFANG = (("[.]", "."), ("(.)", "."), ("{.}", "."), ("[:]", ":"))


@dataclass(frozen=True, slots=True)
class TypeName:
    """One accepted type name: the mailscope type it is (None: not hunted) and its family."""

    name: str
    kind: str | None
    family: str
    extract: str = ""


@dataclass(frozen=True, slots=True)
class Resolved:
    """An entry's mailscope type (None when recognised but not hunted) and its plain value."""

    kind: str | None
    value: str
    family: str


def name_key(text: str) -> str:
    """Comparison form of a type or column name: case, spaces, ``-`` and ``_`` ignored."""
    return re.sub(r"[\s_-]+", "", text.strip().lower())


@cache
def _table() -> dict[str, Any]:
    parsed: dict[str, Any] = orjson.loads(
        files("mailscope.intel").joinpath("data/ioc_vocabulary.json").read_bytes()
    )
    return parsed


@cache
def type_names() -> dict[str, TypeName]:
    """Every accepted type name by :func:`name_key` (a name listed twice is a table bug)."""
    table = _table()
    names: dict[str, TypeName] = {}

    def add(entry: TypeName) -> None:
        key = name_key(entry.name)
        if key in names:  # a bug in the shipped table, not in the user's file
            raise RuntimeError(f"{TABLE}: type name {entry.name!r} is listed twice")
        names[key] = entry

    for kind, words in table["hunted"].items():
        for word in words:
            add(TypeName(word, kind, kind))
    for word, (kind, extract) in table["composite"].items():
        add(TypeName(word, kind, kind, extract))
    for family, words in table["not_hunted"].items():
        for word in words:
            add(TypeName(word, None, family))
    return names


@cache
def accepted_types() -> str:
    """The hint every type refusal carries: the accepted names per mailscope type."""
    hunted: dict[str, list[str]] = {}
    families: list[str] = []
    for entry in type_names().values():
        if entry.kind is None:
            if entry.family not in families:
                families.append(entry.family)
            continue
        label = "ipv4-addr or ipv6-addr" if entry.kind == "ip" else entry.kind
        hunted.setdefault(label, []).append(entry.name)
    listed = "; ".join(f"{kind}: {', '.join(words)}" for kind, words in hunted.items())
    skipped = sum(1 for entry in type_names().values() if entry.kind is None)
    return (
        f"accepted types (any case) - {listed}. Recognised and skipped as not hunted: "
        f"{skipped} MISP, STIX, OTX and ThreatFox names of {', '.join(families)}"
    )


def resolve_type(type_text: str, value: str, *, location: Where) -> Resolved:
    """The mailscope type and plain value of one entry (RuleError naming ``type_text``)."""
    text = type_text.strip()
    if not text:
        raise RuleError("missing indicator type", location=location, hint=accepted_types())
    entry = type_names().get(name_key(text))
    if entry is None:
        raise RuleError(
            f"unknown indicator type {text!r}", location=location, hint=accepted_types()
        )
    plain = value.strip()
    if entry.kind is None:
        return Resolved(None, plain, entry.family)
    if entry.kind in ("ip", "ipv4-addr", "ipv6-addr"):
        plain = _refang(_extract(entry, plain, location))
    if entry.kind != "ip":
        return Resolved(entry.kind, plain, entry.family)
    try:
        network = ipaddress.ip_network(plain, strict=False)
    except ValueError as error:
        raise RuleError(
            f"bad IP address {value.strip()!r} for type {text!r}", location=location
        ) from error
    return Resolved("ipv4-addr" if network.version == 4 else "ipv6-addr", plain, entry.family)


def _extract(entry: TypeName, value: str, location: Where) -> str:
    """The address inside a composite value (``1.2.3.4|443``, ``evil.test|1.2.3.4``, ``:443``)."""
    if entry.extract == "drop-port":
        return normalise_ip(value) or value
    if not entry.extract:
        return value
    if "|" not in value:
        raise RuleError(
            f"value {value!r} of type {entry.name!r} has no '|' separator", location=location
        )
    before, after = value.split("|", 1)
    return before.strip() if entry.extract == "before-pipe" else after.strip()


def _refang(value: str) -> str:
    for defanged, plain in _DEFANG:
        value = value.replace(defanged, plain)
    return value


@cache
def column_names() -> dict[str, tuple[str, ...]]:
    """CSV header names per indicator field, in order of preference."""
    columns = _table()["columns"]
    return {field: tuple(names) for field, names in columns.items() if field != "_comment"}


def column_index(header: Sequence[str]) -> dict[str, int | None]:
    """Which header cell holds each field (the first listed name present wins)."""
    keys = [name_key(cell) for cell in header]
    found: dict[str, int | None] = {}
    for field, names in column_names().items():
        wanted = (name_key(name) for name in names)
        found[field] = next((keys.index(key) for key in wanted if key in keys), None)
    return found
