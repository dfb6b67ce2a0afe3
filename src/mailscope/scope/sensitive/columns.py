"""Scan results as an Arrow column, so the scan can run wherever the message text is.

:func:`scan_column` runs :func:`~mailscope.scope.sensitive.scan.scan_text` on each text of
an Arrow array and returns one struct per text (:data:`SENSITIVITY`); :func:`sensitivity_of`
reads a struct back. A Spark executor scans message bodies next to the data and only these
structs - the SSNs found, hashes and redacted forms, never the text - travel to the driver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, cast

import pyarrow as pa

from mailscope.scope.sensitive.scan import Hit, Sensitivity, scan_text

HIT = pa.struct(
    [
        ("kind", pa.string()),
        ("value_hash", pa.string()),
        ("redacted", pa.string()),
        ("score", pa.float64()),
    ]
)
SENSITIVITY = pa.struct(
    [
        ("ssns", pa.list_(pa.string())),
        ("itinerary", pa.bool_()),
        ("marking", pa.bool_()),
        ("hits", pa.list_(HIT)),
    ]
)


def scan_column(texts: pa.Array | pa.ChunkedArray) -> pa.StructArray:
    """The :data:`SENSITIVITY` of each text (a NULL text is scanned as empty)."""
    found = [scan_text(text or "") for text in texts.to_pylist()]
    rows = [
        {
            "ssns": sorted(s.ssns),
            "itinerary": s.itinerary,
            "marking": s.marking,
            "hits": [asdict(h) for h in s.hits],
        }
        for s in found
    ]
    array: pa.StructArray = pa.array(rows, type=SENSITIVITY)
    return array


def sensitivity_of(row: Mapping[str, object]) -> Sensitivity:
    """The :class:`Sensitivity` a :data:`SENSITIVITY` struct (as a mapping) holds."""
    ssns = cast("list[str]", row["ssns"])
    hits = cast("list[dict[str, Any]]", row["hits"])
    return Sensitivity(
        ssns=frozenset(str(s) for s in ssns),
        itinerary=bool(row["itinerary"]),
        marking=bool(row["marking"]),
        hits=tuple(Hit(**h) for h in hits),
    )
