"""Readers for Unified Audit Log evidence; ``READERS`` lists them in sniffing order.

The most specific shapes come first: Graph records and Defender rows nest a whole AuditData
object (which alone would look like Management API JSON), Sentinel rows are told by their
renamed columns, the CSV layouts by their header (an ``AuditData`` cell, the triage
``AuditData_Raw`` cell, flattened AuditData columns, legacy mailbox audit columns), and
flattened AuditData JSON by its ``Param_*`` / ``Root_Key`` keys before plain AuditData JSON.
"""

from __future__ import annotations

from mailscope.ingest.base import Reader
from mailscope.ingest.readers.ual.defender import DEFENDER_HUNTING
from mailscope.ingest.readers.ual.flat_auditdata import FLAT_AUDIT_CSV, FLAT_AUDIT_JSON
from mailscope.ingest.readers.ual.graph_records import GRAPH_AUDIT_CSV, GRAPH_AUDIT_RECORDS
from mailscope.ingest.readers.ual.mailbox_audit import MAILBOX_AUDIT_LOG_CSV
from mailscope.ingest.readers.ual.management_json import MANAGEMENT_JSON
from mailscope.ingest.readers.ual.search_export import (
    EXTRACTOR_TRIAGE_CSV,
    PURVIEW_CSV,
    SEARCH_UNIFIED_AUDIT_LOG_CSV,
)
from mailscope.ingest.readers.ual.sentinel import SENTINEL_CSV, SENTINEL_JSON

READERS: tuple[Reader, ...] = (
    GRAPH_AUDIT_RECORDS,
    DEFENDER_HUNTING,
    SENTINEL_JSON,
    SENTINEL_CSV,
    PURVIEW_CSV,
    SEARCH_UNIFIED_AUDIT_LOG_CSV,
    EXTRACTOR_TRIAGE_CSV,
    GRAPH_AUDIT_CSV,
    FLAT_AUDIT_CSV,
    MAILBOX_AUDIT_LOG_CSV,
    FLAT_AUDIT_JSON,
    MANAGEMENT_JSON,
)
