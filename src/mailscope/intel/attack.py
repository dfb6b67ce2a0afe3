"""MITRE ATT&CK (Enterprise) technique names, from the data table ``attack_techniques.csv``.

Covers the techniques mailscope's detections and the SigmaHQ m365/azure rules tag; an id
outside the table is still a valid tag, it just has no name here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class Technique:
    """One ATT&CK technique or sub-technique."""

    id: str
    name: str
    tactics: tuple[str, ...]


@cache
def attack_techniques() -> dict[str, Technique]:
    """Every technique of the bundled table, by id (``T1114.002``)."""
    text = files("mailscope.intel").joinpath("attack_techniques.csv").read_text("utf-8")
    return {
        row["id"]: Technique(row["id"], row["name"], tuple(row["tactics"].split(";")))
        for row in csv.DictReader(io.StringIO(text))
    }


def technique_name(technique_id: str) -> str | None:
    """The name of ``technique_id`` (case-insensitive), or None when not in the table."""
    found = attack_techniques().get(technique_id.strip().upper())
    return found.name if found else None
