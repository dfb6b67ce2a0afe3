"""Everything the renderers need, loaded once from the case store and scope.json.

Tables a stage has not written yet (an older store, a case without a scope run) read as
empty, so a report can always be rendered and says what is missing. Every list is
sorted on a total key: the same case gives the same records in the same order.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb

from mailscope.ingest.manifest import manifest_sha256
from mailscope.report.activity import load_activity
from mailscope.report.prevalence import ordinary_use
from mailscope.report.report_data import (
    ActorIndicator,
    EvidenceFile,
    ExposedMessage,
    FindingRecord,
    Person,
    QuarantineCount,
    ReportData,
    RuleRun,
)
from mailscope.report.scope_doc import load_scope
from mailscope.scope.blind_spots import BlindSpot
from mailscope.store.case import column_or, table_columns
from mailscope.store.empty_evidence import empty_evidence
from mailscope.store.journal import interruptions


def case_label(case_dir: Path) -> str:
    """The case folder's last two path parts ('demo/case'): generic names stay meaningful."""
    parts = case_dir.resolve().parts[-2:]
    return "/".join(p for p in parts if p != "/")


def existing_tables(connection: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Names of the tables this store has."""
    rows = connection.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return frozenset(str(name) for (name,) in rows)


def _rows(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str], table: str, sql: str
) -> list[tuple[object, ...]]:
    if table not in tables:
        return []
    return connection.execute(sql).fetchall()


def text_or_empty(value: object) -> str:
    """``str(value)``, or '' for NULL."""
    return "" if value is None else str(value)


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _time(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _strs(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def load_report_data(case_dir: Path, connection: duckdb.DuckDBPyConnection) -> ReportData:
    """Load scope.json and every table the reports read."""
    tables = existing_tables(connection)
    scope = load_scope(case_dir)
    departments = {m.upn: m.department for m in scope.mailboxes}
    return ReportData(
        case_name=case_label(case_dir),
        scope=scope,
        findings=_findings(connection, tables),
        rule_runs=tuple(
            RuleRun(text_or_empty(r), text_or_empty(s), text_or_empty(why), _int(n), _float(secs))
            for r, s, why, n, secs in _rows(
                connection,
                tables,
                "rule_runs",
                "SELECT rule_id, status, reason, findings, seconds FROM rule_runs "
                "ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'skipped' THEN 1 ELSE 2 END, "
                "rule_id, status, reason",
            )
        ),
        evidence=_evidence(connection, tables),
        quarantine=tuple(
            QuarantineCount(text_or_empty(fmt), text_or_empty(reason), _int(n))
            for fmt, reason, n in _rows(
                connection,
                tables,
                "quarantine",
                "SELECT format, reason, count(*) FROM quarantine GROUP BY ALL "
                "ORDER BY 3 DESC, 1, 2",
            )
        ),
        actor=_actor(connection, tables),
        exposed=_exposed(connection, tables),
        people=_people(connection, tables),
        blind_spots=tuple(
            BlindSpot(
                text_or_empty(k), text_or_empty(s), _time(start), _time(end), text_or_empty(d)
            )
            for k, s, start, end, d in _rows(
                connection,
                tables,
                "scope_blind_spots",
                "SELECT kind, subject, start_time, end_time, detail FROM scope_blind_spots "
                "ORDER BY start_time NULLS FIRST, kind, subject, end_time, detail",
            )
        ),
        activity=load_activity(connection, tables),
        department_of=departments,
        empty=empty_evidence(connection),
        manifest_sha256=manifest_sha256(case_dir),
        interrupted=tuple(i.message for i in interruptions(connection, case_dir)),
        ordinary_use=ordinary_use(connection, tables),
        organisation=_organisation(connection, tables, [m.upn for m in scope.mailboxes]),
    )


# Where an organisation's own accounts are named, in order of trust (table, UPN column).
_ACCOUNT_COLUMNS = (("directory_users", "upn"), ("signins", "upn"), ("audit_events", "user_id"))


def _organisation(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str], mailboxes: list[str]
) -> str:
    """The commonest mail domain of the directory, else of the mailboxes in scope, else of
    the accounts that sign in or act in the audit log ('' when no account has one)."""
    domains = Counter(upn.rpartition("@")[2].lower() for upn in mailboxes if "@" in upn)
    for table, column in _ACCOUNT_COLUMNS:
        rows = _rows(
            connection,
            tables,
            table,
            f"SELECT lower(split_part({column}, '@', 2)) AS domain, count(*) FROM {table} "
            f"WHERE contains({column}, '@') GROUP BY domain ORDER BY 2 DESC, 1 LIMIT 1",
        )
        if rows:
            return str(rows[0][0])
        if table == "directory_users" and domains:
            return min(domains, key=lambda d: (-domains[d], d))
    return ""


def _findings(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str]
) -> tuple[FindingRecord, ...]:
    rows = _rows(
        connection,
        tables,
        "findings",
        "SELECT finding_id, rule_id, title, severity, confidence, attack_ids, mailboxes, users, "
        "apps, ips, sessions, tokens, first_seen, last_seen, evidence_keys, explanation, "
        "details FROM findings",
    )
    records = [
        FindingRecord(
            finding_id=text_or_empty(r[0]),
            rule_id=text_or_empty(r[1]),
            title=text_or_empty(r[2]),
            severity=text_or_empty(r[3]).lower(),
            confidence=_float(r[4]),
            attack_ids=_strs(r[5]),
            mailboxes=_strs(r[6]),
            users=_strs(r[7]),
            apps=_strs(r[8]),
            ips=_strs(r[9]),
            sessions=_strs(r[10]),
            tokens=_strs(r[11]),
            first_seen=_time(r[12]),
            last_seen=_time(r[13]),
            evidence_keys=_strs(r[14]),
            explanation=text_or_empty(r[15]),
            details=text_or_empty(r[16]) or "{}",
        )
        for r in rows
    ]
    records.sort(key=lambda f: (-f.rank, f.first_seen or datetime.min, f.finding_id))
    return tuple(records)


def _evidence(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str]
) -> tuple[EvidenceFile, ...]:
    if "evidence" not in tables:
        return ()
    skipped = column_or(connection, "evidence", "skipped", "0")
    rows = connection.execute(
        f"SELECT path, sha256, bytes, format, records, parsed, quarantined, duplicates, {skipped} "
        "FROM evidence ORDER BY path, sha256"
    ).fetchall()
    return tuple(
        EvidenceFile(
            text_or_empty(p),
            text_or_empty(h),
            _int(b),
            text_or_empty(f),
            _int(rec),
            _int(par),
            _int(q),
            _int(d),
            _int(s),
        )
        for p, h, b, f, rec, par, q, d, s in rows
    )


def _actor(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str]
) -> tuple[ActorIndicator, ...]:
    columns = {name for name, _ in table_columns(connection, "scope_actor")}
    tier = "tier" if "tier" in columns else "'confirmed'"
    rows = _rows(
        connection,
        tables,
        "scope_actor",
        f"SELECT kind, value, first_seen, last_seen, records, reason, {tier} FROM scope_actor "
        f"ORDER BY {tier}, kind, first_seen NULLS LAST, value",
    )
    return tuple(
        ActorIndicator(
            text_or_empty(k),
            text_or_empty(v),
            _time(first),
            _time(last),
            _int(n),
            text_or_empty(why),
            text_or_empty(t) or "confirmed",
        )
        for k, v, first, last, n, why, t in rows
    )


def _exposed(
    connection: duckdb.DuckDBPyConnection, tables: frozenset[str]
) -> tuple[ExposedMessage, ...]:
    rows = _rows(
        connection,
        tables,
        "scope_exposed_messages",
        "SELECT mailbox_upn, message_id, basis, folder_path, date, subject, sender, has_content, "
        "us_ssn, has_itinerary, has_marking, sensitive_kinds FROM scope_exposed_messages "
        "ORDER BY mailbox_upn, date NULLS LAST, message_id, basis",
    )
    return tuple(
        ExposedMessage(
            text_or_empty(r[0]),
            text_or_empty(r[1]),
            text_or_empty(r[2]),
            text_or_empty(r[3]),
            _time(r[4]),
            text_or_empty(r[5]),
            text_or_empty(r[6]),
            bool(r[7]),
            _int(r[8]),
            bool(r[9]),
            bool(r[10]),
            tuple(sorted(_strs(r[11]))),
        )
        for r in rows
    )


def _people(connection: duckdb.DuckDBPyConnection, tables: frozenset[str]) -> tuple[Person, ...]:
    rows = _rows(
        connection,
        tables,
        "scope_people",
        "SELECT upn, display_name, department, reason, mailboxes, messages, kinds "
        "FROM scope_people ORDER BY messages DESC, upn, reason",
    )
    return tuple(
        Person(
            text_or_empty(u),
            text_or_empty(n),
            text_or_empty(d),
            text_or_empty(why),
            tuple(sorted(_strs(mb))),
            _int(c),
            tuple(sorted(_strs(k))),
        )
        for u, n, d, why, mb, c, k in rows
    )
