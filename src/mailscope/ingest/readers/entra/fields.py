"""The Entra field-spelling table (``fields.json``), loaded once, and the lookups built on it.

Every export shape spells a column its own way (``ipAddress`` in Graph and Event Hub,
``IPAddress`` in Sentinel, ``IP address`` in the portal CSV). The mappers ask for a logical
field and try each spelling in turn, so one mapper serves every shape without copying or
renaming the record first.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from typing import Final

import orjson

from mailscope.ingest.normalise import blank, normalise_ip, text

Names = tuple[str, ...]
_LONGEST_NULL = len("not available")  # longest of the null spellings ``blank`` knows


def _load() -> dict[str, object]:
    data = orjson.loads(files(__package__).joinpath("fields.json").read_bytes())
    if not isinstance(data, dict):
        raise ValueError("entra fields.json must hold an object")
    return data


def _group(data: Mapping[str, object], name: str) -> dict[str, Names]:
    group = data[name]
    if not isinstance(group, dict):
        raise ValueError(f"entra fields.json: {name} must be an object")
    return {field: tuple(spellings) for field, spellings in group.items()}


_DATA: Final = _load()
SIGNIN: Final = _group(_DATA, "signin")
AUDIT: Final = _group(_DATA, "audit")
OTHER: Final = _group(_DATA, "other")
GRAPH: Final = _group(_DATA, "graph")
USER: Final = _group(_DATA, "user")

# Event Hub category or Sentinel table (lower-cased) -> (table, sign-in kind or '').
CATEGORIES: Final[dict[str, tuple[str, str]]] = {
    name: (pair[0], pair[1]) for name, pair in _group(_DATA, "categories").items()
}
EVENTHUB_CATEGORIES: Final[Names] = tuple(_DATA["eventhub_categories"])  # type: ignore[arg-type]
SENTINEL_TABLES: Final[Names] = tuple(_DATA["sentinel_tables"])  # type: ignore[arg-type]


def first(record: Mapping[str, object], names: Names) -> object:
    """The value of the first spelling present with a non-empty value (``False``/0 count)."""
    for name in names:
        value = record.get(name)
        if value is not None and value != "":
            return value
    return None


def first_text(record: Mapping[str, object], names: Names) -> str | None:
    """``text()`` of the first spelling with an informative value; strings take a fast path
    (sign-in logs run to millions of records, and most values are long plain strings)."""
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if type(value) is str:
            stripped = value.strip()
            if stripped and (len(stripped) > _LONGEST_NULL or not blank(stripped)):
                return stripped
            continue
        found = text(value)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=1 << 16)
def cached_ip(value: str) -> str | None:
    """``normalise_ip`` memoised: a tenant's logs repeat the same few thousand addresses."""
    return normalise_ip(value)


def first_ip(record: Mapping[str, object], names: Names, fallback: object = None) -> str | None:
    """The normalised IP of the first spelling present (else of ``fallback``)."""
    found = first_text(record, names)
    if found is None and isinstance(fallback, str):
        found = fallback.strip() or None
    return cached_ip(found) if found is not None else None


def first_upn(record: Mapping[str, object], names: Names) -> str | None:
    """The first spelling's UPN or mail address, lower-cased (``normalise_upn``)."""
    found = first_text(record, names)
    return found.lower() if found is not None else None
