"""The case store's tables, each defined once: a typed row (``TypedDict``) per table.

The store's DDL (``store/schema.py``), the readers' row types and the table reference
(``docs/tables.md``) are all generated from these classes; nothing else lists a column.
Every row type is ``total=False``: a reader leaves out what a record lacks (NULL).

The contract every stage reads: times are UTC (TIMESTAMP without zone), UPNs lower-case,
InternetMessageIds in canonical ``<local@domain>`` form, folder paths as ``Inbox/Travel``.
Every evidence-derived row carries ``record_key`` (the de-duplication key),
``source_sha256`` and ``source_line`` (1-based line, or record ordinal for formats without
lines). ``raw`` columns (the record as exported) use zstd: a third of the size and quicker
to write.
"""

from __future__ import annotations

from mailscope.model.evidence_tables import (
    AuditEventsRow,
    DirectoryAuditsRow,
    DirectoryUsersRow,
    EvidenceLocationsRow,
    EvidenceRow,
    GraphActivityRow,
    IngestRunsRow,
    MailAccessRow,
    MailRulesRow,
    MessagesRow,
    MessageTraceRow,
    MetaRow,
    QuarantineRow,
    RunJournalRow,
    SigninsRow,
)
from mailscope.model.result_tables import (
    FindingsRow,
    RuleRunsRow,
    ScopeAccessRow,
    ScopeActorRow,
    ScopeBlindSpotsRow,
    ScopeExposedMessagesRow,
    ScopeMailboxesRow,
    ScopePeopleRow,
    ScopeSensitiveHitsRow,
)

TABLES: dict[str, type] = {
    "meta": MetaRow,
    "evidence": EvidenceRow,
    "ingest_runs": IngestRunsRow,
    "quarantine": QuarantineRow,
    "audit_events": AuditEventsRow,
    "mail_access": MailAccessRow,
    "signins": SigninsRow,
    "graph_activity": GraphActivityRow,
    "directory_audits": DirectoryAuditsRow,
    "directory_users": DirectoryUsersRow,
    "messages": MessagesRow,
    "message_trace": MessageTraceRow,
    "mail_rules": MailRulesRow,
    "findings": FindingsRow,
    "rule_runs": RuleRunsRow,
    "scope_actor": ScopeActorRow,
    "scope_access": ScopeAccessRow,
    "scope_mailboxes": ScopeMailboxesRow,
    "scope_exposed_messages": ScopeExposedMessagesRow,
    "scope_sensitive_hits": ScopeSensitiveHitsRow,
    "scope_people": ScopePeopleRow,
    "scope_blind_spots": ScopeBlindSpotsRow,
    "run_journal": RunJournalRow,
    "evidence_locations": EvidenceLocationsRow,
}
"""Every table, in the order the store creates them."""
