"""An organisation's view from its case folder, and the retro-hunt of campaign indicators.

The view is the one the case's own indicator bundle gives (built in memory exactly as
``mailscope report`` writes ``iocs.stix.json``), so a case and its bundle are compared the
same way; the case adds the records behind each indicator. Only the scope tables and
aggregates are read: memory does not grow with the evidence's raw size.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import orjson

from mailscope.campaign.bundle import view_from_bundle
from mailscope.campaign.views import OrgView
from mailscope.report.load_data import existing_tables, load_report_data
from mailscope.report.stix_out import build_bundle
from mailscope.report.visible import one_line
from mailscope.store.case import open_case

KEYS_PER_TRACE = 3
# DuckDB's buffer pool while a case is read here: the queries are aggregates and lookups,
# so memory stays the same whatever the size of the case.
MEMORY_LIMIT = "256MB"
# Where each kind of indicator is matched in the attributed records (scope_access rows
# joined to their mail_access rows).
_ATTRIBUTED = {
    "ip": "m.client_ip = $value",
    "app": "$value IN (m.client_app_id, m.app_id)",
    "user_agent": "$value IN (m.user_agent, m.client_info)",
}
# Where the retro-hunt looks for another organisation's indicators, per kind.
_HUNT = {
    "ip": (("audit_events", "client_ip"), ("signins", "ip")),
    "app": (("audit_events", "client_app_id"), ("audit_events", "app_id"), ("signins", "app_id")),
}


def _open(case_dir: Path) -> duckdb.DuckDBPyConnection:
    connection = open_case(case_dir, read_only=True)
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return connection


def read_case(case_dir: Path) -> OrgView:
    """The view of the organisation a case folder investigated."""
    connection = _open(case_dir)
    try:
        data = load_report_data(case_dir, connection)
        bundle = orjson.loads(build_bundle(data).serialize())
        view = view_from_bundle(bundle, str(case_dir), "case", fallback_name=case_dir.name)
        tables = existing_tables(connection)
        traces = tuple(
            replace(t, record_keys=_record_keys(connection, tables, t.kind, t.value))
            for t in view.traces
        )
    finally:
        connection.close()
    interrupted = tuple(f"interrupted: {one_line(i)}" for i in data.interrupted)
    return replace(view, traces=traces, blind_spots=interrupted + view.blind_spots)


def _record_keys(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str], kind: str, value: str
) -> tuple[str, ...]:
    if not {"scope_access", "mail_access"} <= tables:
        return ()
    rows = connection.execute(
        "SELECT s.record_key FROM scope_access s JOIN mail_access m USING (record_key) "
        f"WHERE {_ATTRIBUTED[kind]} ORDER BY s.time, s.record_key LIMIT {KEYS_PER_TRACE}",
        {"value": value},
    ).fetchall()
    return tuple(str(key) for (key,) in rows)


def hunt(case_dir: Path, values: dict[str, list[str]]) -> tuple[tuple[str, str, int, int], ...]:
    """(kind, value, records, accounts) of the campaign's addresses and apps found in a
    case's audit and sign-in records; ``accounts`` counts the users with a successful sign-in
    carrying the value (ordinary use: the case found no actor). A filtered scan of one
    column per table."""
    connection = _open(case_dir)
    try:
        tables = existing_tables(connection)
        found: dict[tuple[str, str], list[int]] = {}
        for kind, places in _HUNT.items():
            wanted = sorted(set(values.get(kind, [])))
            if not wanted:
                continue
            for table, column in places:
                if table not in tables:
                    continue
                signs_in = (
                    "count(DISTINCT lower(coalesce(upn, user_id))) FILTER (WHERE success "
                    "AND kind IN ('interactive', 'noninteractive'))"
                    if table == "signins"
                    else "0"
                )
                rows = connection.execute(
                    f"SELECT lower({column}), count(*), {signs_in} FROM {table} "
                    f"WHERE lower({column}) IN (SELECT unnest($wanted)) GROUP BY 1",
                    {"wanted": wanted},
                ).fetchall()
                for value, count, accounts in rows:
                    total = found.setdefault((kind, str(value)), [0, 0])
                    total[0] += int(count)
                    total[1] += int(accounts)
    finally:
        connection.close()
    return tuple(
        (kind, value, n, accounts) for (kind, value), (n, accounts) in sorted(found.items())
    )
