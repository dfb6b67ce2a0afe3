"""A hand-made case for report tests: realistic rows in every table a report reads.

Storm-0558-shaped: an actor with forged tokens reads four mailboxes (Indo-Pacific and
European bureaus) from VPS addresses, Mon–Fri 00:00–09:00 UTC, May–June 2023, with
hostile strings planted throughout (see :mod:`tests.report.tenant`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import orjson

from mailscope.model.finding import write_findings
from mailscope.store.case import open_case
from tests.report import scope_rows
from tests.report.tenant import (
    ACTOR_APP,
    ACTOR_IPS,
    ACTOR_SESSIONS,
    DAYS,
    HOSTILE_FOLDER,
    HOSTILE_RULE,
    HOSTILE_SUBJECTS,
    HOSTILE_UA,
    HOSTILE_UPN,
    REST_UA,
    START,
    USERS,
    VICTIMS,
    insert_rows,
)  # fmt: skip


@dataclass(frozen=True)
class BuiltCase:
    case_dir: Path
    exposed_rows: int


def build_case(case_dir: Path, *, messages_per_mailbox: int = 12, seed: int = 7) -> BuiltCase:
    """Create a case store and scope.json under ``case_dir``; return what was built."""
    rng = random.Random(seed)
    connection = open_case(case_dir, create=True)
    try:
        _evidence(connection)
        _directory(connection)
        normal = _normal_access(rng)
        actor, exposed = _actor_access(rng, messages_per_mailbox)
        insert_rows(connection, "mail_access", normal + actor)
        insert_rows(connection, "scope_access", [_scope_access(row) for row in actor])
        insert_rows(connection, "scope_exposed_messages", exposed)
        scope_rows.sensitive_and_people(connection, exposed)
        scope_rows.actor_table(connection, actor)
        _audit(connection)
        scope_rows.blind_spots(connection)
        write_findings(connection, scope_rows.findings())
        insert_rows(connection, "rule_runs", scope_rows.rule_runs())
    finally:
        connection.close()
    scope_rows.write_scope(case_dir, exposed, actor)
    return BuiltCase(case_dir, len(exposed))


def _evidence(connection: duckdb.DuckDBPyConnection) -> None:
    files = (
        ("evidence/ual/purview-audit-2023-06.csv", "purview_csv", 52_114, 3),
        ("evidence/entra/signins.json", "graph_signins", 8_402, 0),
        ("evidence/directory/users.csv", "entra_users_csv", 8, 0),
        (f"evidence/mail/{HOSTILE_UPN}/{HOSTILE_SUBJECTS[0]}.eml", "eml", 1, 0),
    )
    rows = []
    for index, (path, fmt, records, quarantined) in enumerate(files):
        digest = f"{index:x}" * 64
        rows.append(
            dict(
                sha256=digest[:64],
                path=path,
                bytes=records * 731,
                format=fmt,
                records=records,
                parsed=records - quarantined,
                quarantined=quarantined,
                duplicates=index,
                seconds=0.5,
                container=None,
            )
        )
    insert_rows(connection, "evidence", rows)
    insert_rows(
        connection,
        "quarantine",
        [
            dict(
                source_sha256="0" * 64,
                source_path=files[0][0],
                source_line=line,
                format="purview_csv",
                reason=reason,
                raw=raw,
            )
            for line, reason, raw in (
                (17, "AuditData is not valid JSON", '{"Operation": "MailItemsAcc'),
                (18, "AuditData is not valid JSON", "{broken"),
                (912, "CreationDate unparseable", HOSTILE_SUBJECTS[3]),
            )
        ],
    )


def _directory(connection: duckdb.DuckDBPyConnection) -> None:
    insert_rows(
        connection,
        "directory_users",
        [
            dict(
                record_key=f"user:{upn}",
                object_id=f"obj-{i}",
                upn=upn,
                display_name=name,
                department=dept,
                job_title="Foreign Affairs Officer",
                office_location="HST",
                mail=upn,
                account_enabled=True,
                user_type="Member",
                source_sha256="2" * 64,
                source_line=i + 2,
            )
            for i, (upn, name, dept) in enumerate(USERS)
        ],
    )


def _access_row(key: str, upn: str, when: datetime, **values: object) -> dict[str, object]:
    row: dict[str, object] = dict(
        record_key=key,
        event_key=f"evt:{key}",
        event_id=f"id-{key}",
        time=when,
        mailbox_upn=upn,
        mailbox_guid=None,
        user_id=upn,
        access_type="Bind",
        folder_path="Inbox",
        message_id=None,
        size_bytes=20_480,
        is_throttled=False,
        operation_count=1,
        logon_type=0,
        client_ip="10.20.0.5",
        app_id="d3590ed6-52b3-4102-aeff-aad2292ab01c",
        client_app_id=None,
        session_id=None,
        aad_session_id=None,
        unique_token_id=None,
        token_issued_at=None,
        client_info="Client=MSExchangeRPC",
        user_agent="Microsoft Office/16.0",
        source_sha256="0" * 64,
        source_line=1,
    )
    row.update(values)
    return row


def _normal_access(rng: random.Random) -> list[dict[str, object]]:
    """Owners reading their own mail in office hours (the baseline the chart compares to)."""
    rows = []
    for day in range(DAYS):
        for upn, _, _ in USERS:
            for n in range(rng.randint(2, 6)):
                when = START + timedelta(
                    days=day, hours=rng.randint(12, 22), minutes=rng.randint(0, 59)
                )
                rows.append(
                    _access_row(
                        f"n:{upn}:{day}:{n}",
                        upn,
                        when,
                        message_id=f"<n{day}.{n}.{rng.randint(0, 9999)}@ministry.example>",
                    )
                )
    return rows


def _actor_access(
    rng: random.Random, per_mailbox: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Bind reads of every exposed message by the actor, plus one folder sync."""
    access: list[dict[str, object]] = []
    exposed: list[dict[str, object]] = []
    for m, (upn, _, _) in enumerate(VICTIMS):
        for i in range(per_mailbox):
            day = (i * 5 // max(per_mailbox, 1) * 7 + i % 5) % DAYS  # weekdays of 5 weeks
            read_at = START + timedelta(
                days=day, hours=rng.randint(0, 8), minutes=rng.randint(0, 59)
            )
            message_id = f"<m{m}.{i}@ministry.example>"
            subject = (
                HOSTILE_SUBJECTS[i % len(HOSTILE_SUBJECTS)]
                if m == 3 or i % 4 == 0
                else f"Cable {m}-{i}: Indo-Pacific consultations"
            )
            folder = HOSTILE_FOLDER if i % 6 == 5 else ("Inbox/Travel" if i % 3 == 1 else "Inbox")
            basis = "throttled" if m == 1 and i % 4 == 3 else "bind"
            ssn = 1 if i % 5 == 2 else 0
            kinds = [
                k
                for k, on in (
                    ("us_ssn", ssn),
                    ("itinerary", folder == "Inbox/Travel"),
                    ("marking", i % 7 == 0),
                )
                if on
            ]
            exposed.append(
                dict(
                    mailbox_upn=upn,
                    message_id=message_id,
                    basis=basis,
                    folder_path=folder,
                    date=read_at - timedelta(days=rng.randint(1, 30)),
                    subject=subject,
                    sender=HOSTILE_UPN if i % 8 == 7 else f"desk{i % 3}@ministry.example",
                    has_content=i % 9 != 8,
                    us_ssn=ssn,
                    has_itinerary="itinerary" in kinds,
                    has_marking="marking" in kinds,
                    sensitive_kinds=kinds,
                )
            )
            if basis == "bind":
                access.append(_actor_row(f"a:{m}:{i}", upn, read_at, message_id, folder, i))
        sync_at = START + timedelta(days=2 + m, hours=3)
        access.append(_actor_row(f"s:{m}", upn, sync_at, None, "Inbox/Travel", m, "Sync"))
    return access, exposed


def _actor_row(
    key: str,
    upn: str,
    when: datetime,
    message_id: str | None,
    folder: str,
    i: int,
    kind: str = "Bind",
) -> dict[str, object]:
    return _access_row(
        key,
        upn,
        when,
        access_type=kind,
        message_id=message_id,
        folder_path=folder,
        client_ip=ACTOR_IPS[i % 3],
        app_id=ACTOR_APP,
        session_id=ACTOR_SESSIONS[i % 2],
        unique_token_id=None if i % 4 == 0 else f"tok-{i % 3}",
        logon_type=0,
        client_info=REST_UA,
        user_agent=HOSTILE_UA if i % 5 == 4 else REST_UA,
        is_throttled=False,
        user_id=upn,
    )


def _scope_access(row: dict[str, object]) -> dict[str, object]:
    keys = (
        "record_key",
        "mailbox_upn",
        "time",
        "access_type",
        "folder_path",
        "message_id",
        "is_throttled",
        "client_ip",
        "app_id",
        "session_id",
        "unique_token_id",
        "user_agent",
    )
    return {k: row[k] for k in keys}


def _audit(connection: duckdb.DuckDBPyConnection) -> None:
    params = orjson.dumps({"Name": HOSTILE_RULE, "ForwardTo": "drop@evil.example"}).decode()
    rows = [
        dict(
            record_key="audit:rule",
            id="r-1",
            time=START + timedelta(days=3, hours=2),
            workload="Exchange",
            record_type=1,
            operation="New-InboxRule",
            user_id=VICTIMS[0][0],
            client_ip=ACTOR_IPS[0],
            session_id=ACTOR_SESSIONS[0],
            user_agent=HOSTILE_UA,
            parameters=params,
            mailbox_upn=VICTIMS[0][0],
        ),
        dict(
            record_key="audit:benign",
            id="r-2",
            time=START + timedelta(days=4, hours=15),
            workload="Exchange",
            record_type=1,
            operation="Set-MailboxFolderPermission",
            user_id="eve.mills@ministry.example",
            client_ip="10.20.0.9",
            session_id=None,
            user_agent="Microsoft Office/16.0",
            parameters="{}",
            mailbox_upn=None,
        ),
    ]
    insert_rows(connection, "audit_events", rows)
