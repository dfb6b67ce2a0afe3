"""The mgmt_api tenant as a responder gets it from the Purview portal instead of the API.

``build(out, scenario, seed, users=200, days=28, **options)`` builds the same tenant as
:mod:`tests.independent.mgmt_api` (same truth) and replaces its Management Activity API
blobs with one Purview "Audit search" CSV export. The layout follows the real export in
``../shared/samples/ual/purview-export-huntress2023.csv``: columns ``RecordId,
CreationDate, RecordType, Operation, UserId, AuditData, AssociatedAdminUnits,
AssociatedAdminUnitsNames``; US dates (``9/20/2023 4:05:03 AM``, UTC); AuditData as JSON
in a cell with doubled quotes; newest first; each record once (a search de-duplicates what
the API redelivers). Sign-ins, directory audits, users and mailboxes stay as they are.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.independent.mgmt_api import SCENARIOS
from tests.independent.mgmt_api import build as build_api

__all__ = ["SCENARIOS", "build"]

HEADER = (
    "RecordId",
    "CreationDate",
    "RecordType",
    "Operation",
    "UserId",
    "AuditData",
    "AssociatedAdminUnits",
    "AssociatedAdminUnitsNames",
)


def _us_date(text: str) -> str:
    when = datetime.fromisoformat(text[:19])
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{when.month}/{when.day}/{when.year} {hour}:{when:%M:%S} {half}"


def build(
    out: Path, scenario: str, seed: int, users: int = 200, days: int = 28, **options: Any
) -> dict[str, Any]:
    truth = build_api(out, scenario, seed, users, days, **options)
    ual = out / "evidence" / "ual"
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(ual.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                records.setdefault(str(record["Id"]), record)
        path.unlink()
    rows = sorted(records.values(), key=lambda r: (r["CreationTime"], r["Id"]), reverse=True)
    with (ual / "purview-audit-search.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for record in rows:
            writer.writerow(
                (
                    record["Id"],
                    _us_date(record["CreationTime"]),
                    record["RecordType"],
                    record["Operation"],
                    record.get("UserId", ""),
                    json.dumps(record, separators=(",", ":"), ensure_ascii=False),
                    "",
                    "",
                )
            )
    return truth
