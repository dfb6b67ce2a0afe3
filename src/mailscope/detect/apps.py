"""The app-id and permission tables detections use (``detect/data/apps.json``), loaded once."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import orjson


@cache
def _table() -> dict[str, object]:
    data: dict[str, object] = orjson.loads(
        files("mailscope.detect").joinpath("data/apps.json").read_bytes()
    )
    return data


def first_party_apps() -> dict[str, str]:
    """Microsoft first-party app id -> name."""
    table = _table()["first_party"]
    assert isinstance(table, dict)
    return {str(k): str(v) for k, v in table.items()}


def mail_permissions() -> tuple[str, ...]:
    """Permission / role names that grant reading other people's mail."""
    table = _table()["mail_permissions"]
    assert isinstance(table, dict)
    return tuple(str(p) for p in table["high"])


def sql_list(values: tuple[str, ...] | list[str]) -> str:
    """A SQL ``(…)`` list of quoted literals from trusted package data (quotes doubled)."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))
    return f"({quoted})"
