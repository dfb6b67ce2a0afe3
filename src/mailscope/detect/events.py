"""Builders for the test events detections carry (rows of the case-store tables).

Each rule module lists its own positive and negative cases as data built with these, in
the pypanther style; ``tests/detect`` loads them into a temporary store. Defaults are a
quiet, ordinary tenant; a case overrides only the fields that matter to it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

T0 = datetime(2023, 5, 15, 9, 0, 0)
"""Start of every test case's evidence period (a Monday)."""

OWA = "9199bf20-a13f-4107-85dc-02114787ef48"
OFFICE = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
EVIL_APP = "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60"
ARCHIVER = "6b0d3f8e-2c1a-4b9e-8f7d-1a2b3c4d5e6f"
OFFICE_IP = "198.51.100.10"
ACTOR_IP = "203.0.113.66"

_counter = iter(range(1, 10**9))


def at(days: float = 0, hours: float = 0) -> datetime:
    """An instant ``days`` and ``hours`` after :data:`T0`."""
    return T0 + timedelta(days=days, hours=hours)


def access(**fields: object) -> dict[str, object]:
    """A mail_access row: a Bind of one message by its owner through OWA from the office."""
    number = next(_counter)
    row: dict[str, object] = {
        "record_key": f"ma-{number}",
        "event_key": f"ev-{number}",
        "time": T0,
        "mailbox_upn": "alice@example.org",
        "user_id": "alice@example.org",
        "access_type": "Bind",
        "folder_path": "Inbox",
        "message_id": f"<m{number}@example.org>",
        "is_throttled": False,
        "operation_count": 1,
        "logon_type": 0,
        "client_ip": OFFICE_IP,
        "app_id": OWA,
        "session_id": f"sess-{number}",
        "aad_session_id": f"sess-{number}",
        "unique_token_id": f"tok-{number}",
        "client_info": "Client=OWA;Action=ViewInbox;",
    }
    row.update(fields)
    return row


def signin(**fields: object) -> dict[str, object]:
    """A successful interactive sign-in of alice from the office."""
    number = next(_counter)
    row: dict[str, object] = {
        "record_key": f"si-{number}",
        "id": f"si-{number}",
        "kind": "interactive",
        "time": T0,
        "upn": "alice@example.org",
        "user_id": "alice@example.org",
        "app_id": OWA,
        "ip": OFFICE_IP,
        "session_id": f"sess-{number}",
        "unique_token_id": f"tok-{number}",
        "status_code": 0,
        "success": True,
    }
    row.update(fields)
    return row


def backed_access(**fields: object) -> tuple[dict[str, object], dict[str, object]]:
    """A mail access and the sign-in that issued its token (same ids, user and IP)."""
    row = access(**fields)
    issued = signin(
        time=row["time"],
        upn=row["user_id"],
        user_id=row["user_id"],
        ip=row["client_ip"],
        app_id=row["app_id"],
        session_id=row["aad_session_id"],
        unique_token_id=row["unique_token_id"],
    )
    return row, issued


def audit(operation: str, **fields: object) -> dict[str, object]:
    """An audit_events row for ``operation`` by alice from the office (Exchange workload)."""
    number = next(_counter)
    row: dict[str, object] = {
        "record_key": f"ae-{number}",
        "id": f"ae-{number}",
        "time": T0,
        "workload": "Exchange",
        "operation": operation,
        "user_id": "alice@example.org",
        "client_ip": OFFICE_IP,
        "mailbox_upn": "alice@example.org",
        "result": "Succeeded",
        "parameters": "{}",
    }
    row.update(fields)
    return row


def directory_audit(activity: str, **fields: object) -> dict[str, object]:
    """A directory_audits row for ``activity`` by the admin."""
    number = next(_counter)
    row: dict[str, object] = {
        "record_key": f"da-{number}",
        "id": f"da-{number}",
        "time": T0,
        "category": "ApplicationManagement",
        "activity": activity,
        "result": "success",
        "initiated_by_upn": "admin@example.org",
        "target_ids": "",
        "target_names": "",
        "modified_properties": "[]",
    }
    row.update(fields)
    return row


def graph(**fields: object) -> dict[str, object]:
    """A graph_activity row: alice reading her messages through Graph."""
    number = next(_counter)
    row: dict[str, object] = {
        "record_key": f"ga-{number}",
        "request_id": f"req-{number}",
        "time": T0,
        "user_id": "alice-object-id",
        "upn": "alice@example.org",
        "app_id": OFFICE,
        "ip": OFFICE_IP,
        "session_id": f"sess-{number}",
        "sign_in_activity_id": f"tok-{number}",
        "method": "GET",
        "request_uri": "https://graph.microsoft.com/v1.0/me/messages?$top=10",
        "response_status": 200,
    }
    row.update(fields)
    return row


Tables = dict[str, list[dict[str, object]]]


def history(days: range, **fields: object) -> Tables:
    """One access per day in ``days``, each with the sign-in behind it: a quiet history."""
    tables: Tables = {"mail_access": [], "signins": []}
    for day in days:
        row, issued = backed_access(time=at(day), **fields)
        tables["mail_access"].append(row)
        tables["signins"].append(issued)
    return tables


def merge(
    *parts: Tables | dict[str, object] | tuple[dict[str, object], dict[str, object]],
) -> Tables:
    """Combine tables and single rows (a row goes to the table its ``record_key`` names)."""
    tables: Tables = {}
    for part in parts:
        if isinstance(part, tuple):
            for row in part:
                _add(tables, row)
        elif "record_key" in part:
            _add(tables, part)  # type: ignore[arg-type]
        else:
            for table, rows in part.items():
                tables.setdefault(table, []).extend(rows)  # type: ignore[arg-type]
    return tables


_PREFIX = {
    "ma": "mail_access",
    "si": "signins",
    "ae": "audit_events",
    "da": "directory_audits",
    "ga": "graph_activity",
}


def _add(tables: Tables, row: dict[str, object]) -> None:
    table = _PREFIX[str(row["record_key"]).split("-", 1)[0]]
    tables.setdefault(table, []).append(row)


SIGNIN_KINDS = ("interactive", "noninteractive", "service_principal")


def signin_export(
    first: float = 0,
    last: float = 10,
    users: tuple[str, ...] = ("alice@example.org",),
    kinds: tuple[str, ...] = SIGNIN_KINDS,
) -> Tables:
    """Sign-in exports of ``kinds`` covering days ``first`` to ``last``: one sign-in per kind
    and user at each end (service-principal ones by an app, with no user)."""
    rows: list[dict[str, object]] = []
    for day in (first, last):
        for kind in kinds:
            if kind in ("service_principal", "managed_identity"):
                rows.append(signin(time=at(day), kind=kind, upn=None, user_id=None))
                continue
            rows += [signin(time=at(day), kind=kind, upn=u, user_id=u) for u in users]
    return {"signins": rows}
