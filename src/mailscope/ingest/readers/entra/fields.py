"""The Entra field-spelling table (``fields.json``), loaded once, and the lookups built on it.

Every export shape spells a column its own way (``ipAddress`` in Graph and Event Hub,
``IPAddress`` in Sentinel, ``IP address`` in the portal CSV). The mappers ask for a logical
field and try each spelling in turn, so one mapper serves every shape without copying or
renaming the record first.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from typing import Final

import orjson

Names = tuple[str, ...]


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
