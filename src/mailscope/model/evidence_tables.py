"""The tables ingest fills: evidence, its records per source, quarantine and bookkeeping."""

from __future__ import annotations

from typing import Annotated, TypedDict

from mailscope.model.column_types import (
    Added,
    Count,
    Default,
    Doc,
    Flag,
    Int,
    Key,
    Raw,
    Real,
    Text,
    Time,
)


class MetaRow(TypedDict, total=False):
    """Key-value facts about the store itself (its schema version)."""

    key: Key
    value: Text


class EvidenceRow(TypedDict, total=False):
    """One row per evidence item (its other paths: evidence_locations)."""

    sha256: Text
    path: Text
    bytes: Count
    format: Text
    records: Count
    parsed: Count
    quarantined: Count
    duplicates: Count
    seconds: Real
    container: Annotated[Text, Doc("the .zip it was read from, if any")]
    skipped: Annotated[
        Count, Doc("records recognised as data mailscope does not analyse"), Default("0"), Added()
    ]
    skipped_reasons: Annotated[Text, Doc("JSON object {reason: records}"), Default("'{}'"), Added()]


class IngestRunsRow(TypedDict, total=False):
    """One row per ingest run: when, which mailscope, how many files and records."""

    run: Int
    started_at: Time
    finished_at: Time
    tool_version: Text
    files: Count
    records: Count


class QuarantineRow(TypedDict, total=False):
    """Every record that could not be read: its file, line, reason and raw text."""

    source_sha256: Text
    source_path: Text
    source_line: Count
    format: Text
    reason: Text
    raw: Raw


class AuditEventsRow(TypedDict, total=False):
    """One row per Unified Audit Log record (every workload and operation)."""

    record_key: Text
    id: Text
    time: Time
    workload: Text
    record_type: Int
    operation: Text
    user_id: Text
    user_type: Int
    client_ip: Text
    app_id: Text
    client_app_id: Text
    session_id: Text
    aad_session_id: Text
    unique_token_id: Text
    token_issued_at: Time
    client_info: Text
    user_agent: Text
    logon_type: Int
    mailbox_upn: Text
    mailbox_guid: Text
    result: Text
    object_id: Text
    organization_id: Text
    parameters: Annotated[
        Text, Doc("JSON object {name: value} of cmdlet Parameters / ExtendedProperties")
    ]
    source_format: Text
    source_sha256: Text
    source_line: Count
    raw: Raw


class MailAccessRow(TypedDict, total=False):
    """One row per mailbox item or folder a MailItemsAccessed record (or a Graph mail
    request) names: who read what, how, from where, with which session and token."""

    record_key: Text
    event_key: Text
    event_id: Text
    time: Time
    mailbox_upn: Text
    mailbox_guid: Text
    user_id: Text
    access_type: Annotated[Text, Doc("'Bind' | 'Sync'")]
    folder_path: Text
    message_id: Text
    size_bytes: Count
    is_throttled: Flag
    operation_count: Int
    logon_type: Int
    client_ip: Text
    app_id: Text
    client_app_id: Text
    session_id: Text
    aad_session_id: Text
    unique_token_id: Text
    token_issued_at: Time
    client_info: Text
    user_agent: Text
    source_sha256: Text
    source_line: Count


class SigninsRow(TypedDict, total=False):
    """One row per Entra sign-in (interactive, non-interactive, service principal, managed
    identity)."""

    record_key: Text
    id: Text
    kind: Annotated[
        Text, Doc("'interactive' | 'noninteractive' | 'service_principal' | 'managed_identity'")
    ]
    time: Time
    user_id: Text
    upn: Text
    app_id: Text
    app_name: Text
    resource_id: Text
    resource_name: Text
    ip: Text
    asn: Count
    country: Text
    city: Text
    session_id: Text
    unique_token_id: Text
    correlation_id: Text
    status_code: Int
    success: Flag
    user_agent: Text
    client_app: Text
    is_interactive: Flag
    service_principal_id: Text
    service_principal_name: Text
    source_format: Text
    source_sha256: Text
    source_line: Count
    raw: Raw


class GraphActivityRow(TypedDict, total=False):
    """One row per Microsoft Graph activity log request."""

    record_key: Text
    request_id: Text
    time: Time
    user_id: Text
    upn: Text
    app_id: Text
    service_principal_id: Text
    ip: Text
    session_id: Text
    sign_in_activity_id: Text
    token_issued_at: Time
    method: Text
    request_uri: Text
    response_status: Int
    user_agent: Text
    scopes: Text
    roles: Text
    source_format: Text
    source_sha256: Text
    source_line: Count
    raw: Raw


class DirectoryAuditsRow(TypedDict, total=False):
    """One row per Entra directory audit record."""

    record_key: Text
    id: Text
    time: Time
    category: Text
    activity: Text
    operation_type: Text
    result: Text
    logged_by_service: Text
    initiated_by_upn: Text
    initiated_by_app_id: Text
    initiated_by_ip: Text
    target_ids: Annotated[Text, Doc("'; '-joined")]
    target_names: Annotated[Text, Doc("'; '-joined")]
    modified_properties: Annotated[Text, Doc("JSON array [{name, old, new}]")]
    correlation_id: Text
    source_format: Text
    source_sha256: Text
    source_line: Count
    raw: Raw


class DirectoryUsersRow(TypedDict, total=False):
    """The directory: one row per user (department, title, office)."""

    record_key: Text
    object_id: Text
    upn: Text
    display_name: Text
    department: Text
    job_title: Text
    office_location: Text
    mail: Text
    account_enabled: Flag
    user_type: Text
    source_sha256: Text
    source_line: Count


class MessagesRow(TypedDict, total=False):
    """One row per message of a mailbox export (.eml, .mbox, .msg, PST)."""

    record_key: Text
    mailbox_upn: Text
    folder_path: Text
    message_id: Text
    date: Time
    sender: Text
    recipients: Text
    subject: Text
    size_bytes: Count
    attachment_names: Text
    body_text: Text
    source_format: Text
    source_sha256: Text
    source_path: Text
    source_line: Count


class MessageTraceRow(TypedDict, total=False):
    """One row per message trace entry."""

    record_key: Text
    message_id: Text
    time: Time
    sender: Text
    recipient: Text
    subject: Text
    status: Text
    from_ip: Text
    to_ip: Text
    size_bytes: Count
    source_format: Text
    source_sha256: Text
    source_line: Count
    raw: Raw


class MailRulesRow(TypedDict, total=False):
    """One row per exported inbox or transport rule."""

    record_key: Text
    kind: Annotated[Text, Doc("'inbox' | 'transport'")]
    mailbox_upn: Text
    name: Text
    enabled: Flag
    forward_to: Text
    redirect_to: Text
    forward_as_attachment_to: Text
    delete_message: Flag
    move_to_folder: Text
    conditions: Text
    source_format: Text
    source_sha256: Text
    source_line: Count
    raw: Raw


class RunJournalRow(TypedDict, total=False):
    """Every run of a command that writes the case (ingest, detect, scope), started or not
    finished: a run left 'running' by a dead process is found and named by the next command."""

    run: Int
    command: Text
    pid: Int
    started_at: Time
    finished_at: Time
    paths: Annotated[Text, Doc("JSON array of the evidence paths named (ingest)")]
    state: Annotated[Text, Doc("'running' | 'finished' | 'failed' | 'interrupted' | 'recovered'")]
    files_done: Annotated[Count, Doc("evidence files made visible so far (ingest)")]
    current_file: Annotated[Text, Doc("the file being read when the run was interrupted")]
    pending_files: Annotated[Count, Doc("files read since the last commit when it was interrupted")]
    interrupted_at: Time
    note: Text


class EvidenceLocationsRow(TypedDict, total=False):
    """Where each evidence item (one SHA-256) was found: the same bytes at two paths are one
    item with two locations; size and mtime let every stage check cheaply that it is
    unchanged."""

    sha256: Text
    path: Text
    bytes: Count
    mtime_ns: Count
    disk_path: Annotated[
        Text, Doc("absolute path of the file on disk (the .zip for a member)"), Added()
    ]
    disk_bytes: Annotated[Count, Doc("that file's size (the archive's, for a member)"), Added()]
    member: Annotated[Text, Doc("the zip member name, NULL for a plain file"), Added()]
    replaced_by: Annotated[
        Text, Doc("SHA-256 of the changed file accepted at this path since"), Added()
    ]
