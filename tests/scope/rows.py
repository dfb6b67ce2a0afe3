"""Hand-made case-store rows for scope tests: insert dicts by column name."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

import duckdb

from mailscope.model.finding import Finding, write_findings
from mailscope.store.case import open_case

T0 = datetime(2023, 6, 5)
_keys = count(1)


def new_case(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A fresh case store under ``tmp_path/case``."""
    return open_case(tmp_path / "case", create=True)


def insert(connection: duckdb.DuckDBPyConnection, table: str, **values: object) -> str:
    """Insert one row (unnamed columns NULL); return its record_key."""
    values.setdefault("record_key", f"k{next(_keys)}")
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    connection.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))
    return str(values["record_key"])


def signin(
    connection: duckdb.DuckDBPyConnection,
    *,
    upn: str,
    ip: str,
    session: str,
    token: str,
    at: datetime,
    kind: str = "interactive",
    success: bool = True,
    app: str = "owa",
) -> None:
    """A sign-in that issued ``token`` in ``session``."""
    insert(
        connection,
        "signins",
        time=at,
        upn=upn,
        user_id=upn,
        ip=ip,
        session_id=session,
        unique_token_id=token,
        kind=kind,
        success=success,
        app_id=app,
    )


def read(
    connection: duckdb.DuckDBPyConnection,
    *,
    mailbox: str,
    at: datetime,
    ip: str,
    session: str | None,
    token: str | None,
    app: str = "9199bf20-a13f-4107-85dc-02114787ef48",
    access: str = "Bind",
    message_id: str | None = None,
    folder: str = "Inbox",
    throttled: bool = False,
    client_info: str = "Client=OWA;",
) -> str:
    """One mail_access row (a Bind item or a Sync folder)."""
    return insert(
        connection,
        "mail_access",
        event_key=f"e{next(_keys)}",
        time=at,
        mailbox_upn=mailbox,
        user_id=mailbox,
        access_type=access,
        folder_path=folder,
        message_id=message_id,
        is_throttled=throttled,
        client_ip=ip,
        app_id=app,
        aad_session_id=session,
        unique_token_id=token,
        client_info=client_info,
        logon_type=0,
    )


def message(
    connection: duckdb.DuckDBPyConnection,
    *,
    mailbox: str,
    message_id: str,
    at: datetime,
    folder: str = "Inbox",
    body: str = "hello",
    subject: str = "s",
) -> None:
    """One exported message of a mailbox."""
    insert(
        connection,
        "messages",
        mailbox_upn=mailbox,
        folder_path=folder,
        message_id=message_id,
        date=at,
        subject=subject,
        body_text=body,
        sender="x@y",
    )


def user(connection: duckdb.DuckDBPyConnection, upn: str, department: str) -> None:
    """A directory entry."""
    insert(
        connection,
        "directory_users",
        upn=upn,
        display_name=upn.split("@")[0],
        department=department,
        object_id=f"oid-{upn}",
    )


def finding(
    connection: duckdb.DuckDBPyConnection,
    rule_id: str,
    severity: str = "high",
    **entities: tuple[str, ...],
) -> None:
    """A finding naming entities (ips=, sessions=, tokens=, apps=, mailboxes=)."""
    write_findings(
        connection,
        [
            Finding(
                rule_id=rule_id,
                title=rule_id,
                severity=severity,  # type: ignore[arg-type]
                confidence=0.9,
                explanation="test",
                **entities,
            )
        ],
    )  # type: ignore[arg-type]


def hours(n: float) -> timedelta:
    """``n`` hours."""
    return timedelta(hours=n)


SIGNIN_KINDS = ("interactive", "noninteractive", "service_principal")


def signin_export(
    connection: duckdb.DuckDBPyConnection,
    users: tuple[str, ...],
    start: datetime,
    end: datetime,
    *,
    ip: str = "198.51.100.10",
    kinds: tuple[str, ...] = SIGNIN_KINDS,
) -> None:
    """Sign-in exports of ``kinds`` covering ``start``..``end``: a sign-in of each user (and
    of a service principal) at each end, so the anti-join can judge tokens in between."""
    for n, at in enumerate((start, end)):
        for kind in kinds:
            if kind == "service_principal":
                signin(
                    connection,
                    upn="",
                    ip="20.51.6.11",
                    session="",
                    token=f"sp-{n}",
                    at=at,
                    kind=kind,
                    app="backup",
                )
                continue
            for upn in users:
                signin(
                    connection,
                    upn=upn,
                    ip=ip,
                    session=f"S-{upn}-{kind}-{n}",
                    token=f"T-{upn}-{kind}-{n}",
                    at=at,
                    kind=kind,
                )
