"""Readers for Entra ID evidence; ``READERS`` lists them in sniffing order (most specific first).

Event Hub records come first (their ``category`` + ``properties`` envelope is the most
specific shape), then Sentinel rows (``TimeGenerated``), then Graph PowerShell SDK objects
(PascalCase, ``AdditionalProperties``), then Graph / portal JSON, then the CSV downloads.
Every reader routes record by record, so mixed files are read whole.
"""

from __future__ import annotations

from mailscope.ingest.base import Reader
from mailscope.ingest.readers.entra.eventhub import EventHubReader
from mailscope.ingest.readers.entra.graph_json import GraphJsonReader
from mailscope.ingest.readers.entra.graph_sdk import GraphSdkCsvReader, GraphSdkJsonReader
from mailscope.ingest.readers.entra.portal_csv import PortalSigninCsvReader
from mailscope.ingest.readers.entra.risk_csv import RiskCsvReader
from mailscope.ingest.readers.entra.sentinel_csv import SentinelCsvReader
from mailscope.ingest.readers.entra.sentinel_json import SentinelJsonReader
from mailscope.ingest.readers.entra.users_csv import UsersCsvReader

READERS: tuple[Reader, ...] = (
    EventHubReader(),
    SentinelJsonReader(),
    GraphSdkJsonReader(),
    GraphJsonReader(),
    SentinelCsvReader(),
    RiskCsvReader(),
    GraphSdkCsvReader(),
    PortalSigninCsvReader(),
    UsersCsvReader(),
)
