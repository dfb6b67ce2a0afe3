"""Identity Protection risk detections and risky users as collectors write them to CSV.

Microsoft-Extractor-Suite ``Get-RiskyDetections`` / ``Get-RiskyUsers`` and Hawk
``Risk_Detections.csv`` / ``RiskyUsers.csv`` are Graph ``riskDetection`` / ``riskyUser``
objects in PascalCase columns (``Id, RiskEventType, ActivityDateTime, DetectedDateTime,
IPAddress, UserPrincipalName …``; ``RiskLastUpdatedDateTime, RiskLevel, RiskState …``).
They are routed like the JSON forms: kept in ``directory_audits`` with the category
``RiskDetection`` / ``RiskyUser`` (see ``audit_map.other_row``).

Sniff: ``RiskEventType`` with ``ActivityDateTime`` or ``DetectedDateTime``, or
``RiskLastUpdatedDateTime`` with ``RiskLevel``; no ``TimeGenerated`` (Sentinel's tables).
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.entra.csv_rows import map_csv
from mailscope.ingest.readers.entra.route import map_record
from mailscope.ingest.readers.entra.sniffing import csv_header
from mailscope.model.row import Row


class RiskCsvReader:
    """Risk detections or risky users as a PascalCase CSV export."""

    name = "entra_risk_csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        names = set(csv_header(head))
        if "TimeGenerated" in names:
            return False
        detection = "RiskEventType" in names and bool(
            names & {"ActivityDateTime", "DetectedDateTime"}
        )
        return detection or {"RiskLastUpdatedDateTime", "RiskLevel"} <= names

    def read(self, source: Source) -> Iterator[Item]:
        return map_csv(source, self._row)

    def _row(self, row: dict[str, str], raw: str) -> Row:
        return map_record(dict(row), raw, self.name)
