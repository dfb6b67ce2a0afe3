"""The tables detect and scope write (rebuilt on every run; reports read them)."""

from __future__ import annotations

from typing import Annotated, TypedDict

from mailscope.model.column_types import (
    Count,
    Doc,
    Flag,
    Int,
    Real,
    Text,
    Texts,
    Time,
)


class FindingsRow(TypedDict, total=False):
    """One row per detection finding, with the entities and evidence it rests on."""

    finding_id: Text
    rule_id: Text
    title: Text
    severity: Text
    confidence: Real
    attack_ids: Texts
    mailboxes: Texts
    users: Texts
    apps: Texts
    ips: Texts
    sessions: Texts
    tokens: Texts
    first_seen: Time
    last_seen: Time
    evidence_keys: Texts
    explanation: Text
    details: Annotated[Text, Doc("JSON object")]


class RuleRunsRow(TypedDict, total=False):
    """One row per detection run: ran, skipped (with the missing source) or error."""

    rule_id: Text
    status: Annotated[Text, Doc("'ran' | 'skipped' | 'error'")]
    reason: Text
    findings: Count
    seconds: Real


class ScopeActorRow(TypedDict, total=False):
    """Written by the scope stage (rebuilt on every run; reports read it): the actor's
    IPs, sessions, tokens, apps, user agents and accounts, each with the chain behind it."""

    kind: Annotated[Text, Doc("'ip' | 'session' | 'token' | 'app' | 'user_agent' | 'account'")]
    value: Text
    first_seen: Time
    last_seen: Time
    records: Count
    reason: Annotated[Text, Doc("the chain that put it there, seed first (' → '-joined)")]
    tier: Annotated[Text, Doc("'confirmed' | 'suspected'")]


class ScopeAccessRow(TypedDict, total=False):
    """Every mail_access row attributed to the actor (confirmed)."""

    record_key: Text
    mailbox_upn: Text
    time: Time
    access_type: Text
    folder_path: Text
    message_id: Text
    is_throttled: Flag
    client_ip: Text
    app_id: Text
    session_id: Text
    unique_token_id: Text
    user_agent: Text
    why: Annotated[Text, Doc("the chain that attributed the record")]


class ScopeMailboxesRow(TypedDict, total=False):
    """Each mailbox in scope and why."""

    mailbox_upn: Text
    tier: Text
    first_access: Time
    last_access: Time
    records: Count
    exposed_messages: Count
    why: Text
    evidence_keys: Texts


class ScopeExposedMessagesRow(TypedDict, total=False):
    """Each message the actor could read, its basis and what it holds."""

    mailbox_upn: Text
    message_id: Text
    basis: Annotated[Text, Doc("strongest basis: 'bind' | 'sync' | 'throttled'")]
    folder_path: Text
    date: Time
    subject: Text
    sender: Text
    has_content: Annotated[Flag, Doc("false when the message is known only from the logs")]
    us_ssn: Int
    has_itinerary: Flag
    has_marking: Flag
    sensitive_kinds: Annotated[Texts, Doc("e.g. ['us_ssn', 'itinerary', 'marking', 'credit_card']")]


class ScopeSensitiveHitsRow(TypedDict, total=False):
    """Each sensitive value found in an exposed message (hashed and redacted)."""

    mailbox_upn: Text
    message_id: Text
    kind: Text
    value_hash: Text
    redacted: Text
    score: Real


class ScopePeopleRow(TypedDict, total=False):
    """People whose personal data or mail was exposed."""

    upn: Text
    display_name: Text
    department: Text
    reason: Text
    mailboxes: Texts
    messages: Count
    kinds: Texts


class ScopeBlindSpotsRow(TypedDict, total=False):
    """What could not be seen: throttled windows, gaps, records without token ids …"""

    kind: Annotated[
        Text,
        Doc(
            "'throttled_window' | 'audit_gap' | 'no_token_ids' | 'source_absent' | "
            "'no_content' | 'coverage'"
        ),
    ]
    subject: Text
    start_time: Time
    end_time: Time
    detail: Text
