"""Turn a renamed-column record (Graph, Sentinel, Defender) into an AuditData-like dict."""

from __future__ import annotations

from collections.abc import Mapping

from mailscope.ingest.normalise import blank


def renamed(record: Mapping[str, object], renames: Mapping[str, str]) -> dict[str, object]:
    """The record with its columns renamed; a renamed column never overwrites a present field."""
    out = {name: value for name, value in record.items() if not blank(value)}
    for source, target in renames.items():
        value = record.get(source)
        if not blank(value) and blank(out.get(target)):
            out[target] = value
    return out


def first_of(record: Mapping[str, object], columns: Mapping[str, list[str]]) -> dict[str, object]:
    """``{target: first non-blank of its source columns}`` for each target field."""
    out: dict[str, object] = {}
    for target, names in columns.items():
        for name in names:
            value = record.get(name)
            if not blank(value):
                out[target] = value
                break
    return out
