"""Decode the list-shaped fields of audit records into plain dicts.

``Parameters``, ``ExtendedProperties`` and ``OperationProperties`` are lists of
``{"Name": …, "Value": …}``; Sentinel stores them as JSON strings, and exports made with
PowerShell (Defender ``RawEventData``, ``ConvertTo-Csv``) flatten each entry to a
``@{Name=…; Value=…}`` string. All three forms give the same dict here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from mailscope.ingest.normalise import maybe_json

_HASHTABLE = re.compile(r"^@\{(.*)\}$", re.DOTALL)
MAX_LITERAL_CHARS = 1 << 20


def powershell_hashtable(value: str) -> dict[str, object] | None:
    """``@{Value=Bind; Name=MailAccessType}`` (PowerShell's string form of an object) → dict."""
    match = _HASHTABLE.match(value.strip())
    if match is None:
        return None
    out: dict[str, object] = {}
    for part in match.group(1).split("; "):
        key, sep, val = part.partition("=")
        if sep and key.strip():
            out[key.strip()] = val
    return out


def as_object(value: object) -> dict[str, object] | None:
    """A dict from a dict, a JSON-object string, or a PowerShell ``@{…}`` string."""
    value = maybe_json(value)
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return powershell_hashtable(value)
    return None


def as_list(value: object) -> list[object]:
    """A list from a list or a JSON-array string; anything else gives an empty list."""
    value = maybe_json(value)
    return value if isinstance(value, list) else []


def name_values(value: object) -> dict[str, object]:
    """``[{"Name": n, "Value": v}, …]`` in any of its encodings → ``{n: v}`` (first wins)."""
    value = maybe_json(value)
    if isinstance(value, dict):
        return dict(value)
    out: dict[str, object] = {}
    if not isinstance(value, list):
        return out
    for entry in value:
        pair = as_object(entry)
        if pair is None:
            continue
        name = pair.get("Name", pair.get("name"))
        if isinstance(name, str) and name and name not in out:
            out[name] = pair.get("Value", pair.get("value"))
    return out


def python_literal(value: str) -> object:
    """Decode a Python-repr dict (``{'Id': 'x', 'Flag': False}``), as pandas-made exports hold.

    ``ast.literal_eval`` evaluates literals only (no names, no calls); size is capped so a
    hostile value cannot make the parser recurse or allocate without bound.
    """
    stripped = value.strip()
    if len(stripped) > MAX_LITERAL_CHARS or stripped[:1] not in ("{", "["):
        return None
    try:
        return ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None


def lookup(record: Mapping[str, object], name: str) -> dict[str, object]:
    """``record[name]`` as a dict (JSON string and PowerShell forms decoded), or ``{}``."""
    return as_object(record.get(name)) or {}
