"""Scope-stage and detection rows of the hand-made case, and its scope.json.

scope.json is computed from the same rows the scope tables get, as the scope stage would.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import orjson

from mailscope.model.finding import Finding
from tests.report.tenant import (
    ACTOR_APP,
    ACTOR_IPS,
    ACTOR_SESSIONS,
    DAYS,
    HOSTILE_FOLDER,
    HOSTILE_RULE,
    HOSTILE_UA,
    HOSTILE_UPN,
    REST_UA,
    START,
    USERS,
    VICTIMS,
    insert_rows,
)  # fmt: skip


def sensitive_and_people(
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
    insert_rows(connection, "scope_sensitive_hits", hits)
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
    insert_rows(connection, "scope_people", people)


def actor_table(connection: duckdb.DuckDBPyConnection, actor: list[dict[str, object]]) -> None:
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
    insert_rows(
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


def blind_spots(connection: duckdb.DuckDBPyConnection) -> None:
    t = START + timedelta(days=9, hours=4)
    insert_rows(
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


def findings() -> list[Finding]:
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


def rule_runs() -> list[dict[str, object]]:
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


def write_scope(
    case_dir: Path, exposed: list[dict[str, object]], actor: list[dict[str, object]]
) -> None:
    departments = {upn: dept for upn, _, dept in USERS}
    boxes = []
    for upn, _, dept in VICTIMS:
        mine = [m for m in exposed if m["mailbox_upn"] == upn]
        times = [
            a["time"] for a in actor if a["mailbox_upn"] == upn and isinstance(a["time"], datetime)
        ]
        basis = Counter(str(m["basis"]) for m in mine)
        boxes.append(
            {
                "upn": upn,
                "department": dept,
                "first_access": min(times).isoformat() + "Z",
                "last_access": max(times).isoformat() + "Z",
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
