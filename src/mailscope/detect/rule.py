"""What a detection is: metadata, the tables it needs, its logic, and its own test events.

Built-in rules, user rules, Sigma rules and IOC hunts are all :class:`Detection` values and
go through the same registry. Logic is usually SQL over the normalised case-store tables
(see :func:`sql_detection`); Python is for the few cases where SQL is the wrong tool.
Rule SQL reads the analysis window from the one-row ``detect_window`` table
(``baseline_until``, ``period_start``, ``period_end``) rather than engine-specific
parameters, so the same text can later be transpiled (sqlglot) to Spark SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from mailscope.detect.apps import client_app_sql
from mailscope.model.finding import SEVERITY_ORDER, Finding, Severity

Rows = Mapping[str, Sequence[Mapping[str, object]]]
"""Test events: store table name -> rows (column name -> value); absent columns are NULL."""


class SqlCursor(Protocol):
    """One query's result, as DB-API cursors give it."""

    @property
    def description(self) -> Sequence[tuple[Any, ...]] | None: ...
    def fetchall(self) -> list[tuple[Any, ...]]: ...
    def fetchone(self) -> tuple[Any, ...] | None: ...


class SqlConnection(Protocol):
    """Where detections run their SQL (DuckDB SQL text): a DuckDB connection, or the Spark
    engine's :class:`mailscope.spark.connection.SparkSql`, which transpiles it."""

    def execute(self, query: str, parameters: object = None) -> SqlCursor: ...
    def register(self, view_name: str, python_object: object) -> object: ...
    def unregister(self, view_name: str) -> object: ...


class RuleSkipped(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by a rule's logic when it cannot judge this case (e.g. no baseline to learn
    from); the engine records the rule as skipped with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule's logic sees: the case store (or the Spark engine's view of it) and the
    analysis window."""

    connection: SqlConnection
    baseline_until: datetime | None
    period_start: datetime | None
    period_end: datetime | None

    def query(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> list[tuple[Any, ...]]:
        """Run ``sql`` with ``params`` and return every row."""
        return self.connection.execute(sql, params).fetchall()

    def require_baseline(self, table: str) -> None:
        """Skip the rule unless ``table`` has rows both before and after ``baseline_until``."""
        row = self.connection.execute(
            f"SELECT count(*) FILTER (WHERE t.time < w.baseline_until), "
            f"count(*) FILTER (WHERE t.time >= w.baseline_until) "
            f"FROM {table} t CROSS JOIN detect_window w"
        ).fetchone()
        before, after = (int(row[0]), int(row[1])) if row else (0, 0)
        if before == 0 or after == 0:
            raise RuleSkipped(
                f"no baseline: {table} has {before} row(s) before and {after} after "
                f"{self.baseline_until} (set --baseline-until)"
            )


@dataclass(frozen=True, slots=True)
class RuleTest:
    """One test case carried by the rule: rows to load, and whether the rule must fire.

    ``entities`` optionally names entities the findings must contain, e.g.
    ``{"ips": ("203.0.113.7",)}``; for a negative test it is ignored.
    """

    name: str
    rows: Rows
    fires: bool
    entities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    baseline_until: datetime | None = None


Logic = Callable[[RuleContext], list[Finding]]


@dataclass(frozen=True)
class Detection:
    """One detection: who it is, what it needs, what it does, and how it proves itself.

    ``requires`` names store tables that must be non-empty for the rule to run; when one
    is empty the engine reports the rule as skipped with that source named.
    ``source`` says where the detection was defined (module, file:line) for error messages.
    """

    id: str
    title: str
    description: str
    runbook: str
    severity: Severity
    attack_ids: tuple[str, ...]
    requires: tuple[str, ...]
    logic: Logic
    tests: tuple[RuleTest, ...] = ()
    source: str = "built-in"
    enabled: bool = True
    sql: str = ""  # the query, for detections built by sql_detection (transpilable text)

    def run(self, ctx: RuleContext) -> list[Finding]:
        """Evaluate the detection over the case store."""
        return self.logic(ctx)


ENTITY_COLUMNS = ("mailboxes", "users", "apps", "ips", "sessions", "tokens", "evidence_keys")
"""List-valued result columns of detection SQL, copied onto the Finding."""


def entity_lists(**sources: str) -> str:
    """SQL select-list aggregates ``list(DISTINCT <expr>) AS <column>`` for entity columns
    (:data:`ENTITY_COLUMNS`), in the order given; ``sources`` maps column to SQL expression.

    No ``ORDER BY`` and no ``FILTER (WHERE x IS NOT NULL)`` is needed: the Finding gets each
    list through :func:`_as_tuple`, which sorts, de-duplicates and drops NULLs and empty
    strings. For the same reason, use it only for columns the query itself does not reuse.

    >>> print(entity_lists(users="lower(user_id)", ips="client_ip"))
    list(DISTINCT lower(user_id)) AS users,
        list(DISTINCT client_ip) AS ips
    """
    unknown = sorted(set(sources) - set(ENTITY_COLUMNS))
    if unknown:
        raise ValueError(f"not entity columns: {', '.join(unknown)} (see ENTITY_COLUMNS)")
    return ",\n    ".join(f"list(DISTINCT {expr}) AS {name}" for name, expr in sources.items())


ACCESS_ENTITIES_SQL = (
    entity_lists(
        apps=client_app_sql(),
        ips="client_ip",
        sessions="nullif(aad_session_id, '')",
        tokens="unique_token_id",
        evidence_keys="record_key",
    )
    + ",\n    min(time) AS first_seen, max(time) AS last_seen"
)
"""Entity columns of a detection grouping ``mail_access`` / ``audit_events`` rows: the client
app (never a resource id), and the Entra session (never Exchange's own ``SessionId``)."""


def sql_detection(
    *,
    id: str,
    title: str,
    description: str,
    runbook: str,
    severity: Severity,
    attack_ids: tuple[str, ...],
    requires: tuple[str, ...],
    sql: str,
    confidence: float = 0.7,
    explain: str | None = None,
    baseline: str | None = None,
    tests: tuple[RuleTest, ...] = (),
    source: str = "built-in",
) -> Detection:
    """A detection whose logic is one SQL query; each result row becomes one Finding.

    Result columns, by name: ``explanation`` (or an ``explain`` template such as
    ``"{app} read {items:,} items"`` formatted with the row); optional ``severity`` and
    ``confidence`` (override the defaults per row), list columns :data:`ENTITY_COLUMNS`,
    ``first_seen``, ``last_seen``, ``details`` (a JSON object string). Any other column
    is kept in the finding's details. ``baseline`` names a table that must hold rows on
    both sides of ``baseline_until`` (else the rule is skipped, saying so).
    """

    def logic(ctx: RuleContext) -> list[Finding]:
        if baseline is not None:
            ctx.require_baseline(baseline)
        cursor = ctx.connection.execute(sql)
        names = [column[0] for column in cursor.description or ()]
        return [
            finding_from_row(
                dict(zip(names, row, strict=True)),
                rule_id=id,
                title=title,
                severity=severity,
                confidence=confidence,
                attack_ids=attack_ids,
                explain=explain,
            )
            for row in cursor.fetchall()
        ]

    return Detection(
        id=id,
        title=title,
        description=description,
        runbook=runbook,
        severity=severity,
        attack_ids=attack_ids,
        requires=requires,
        logic=logic,
        tests=tests,
        source=source,
        sql=sql,
    )


def finding_from_row(
    row: Mapping[str, Any],
    *,
    rule_id: str,
    title: str,
    severity: Severity,
    confidence: float,
    attack_ids: tuple[str, ...],
    explain: str | None = None,
) -> Finding:
    """Build a Finding from one named result row (see :func:`sql_detection`)."""
    row_severity = row.get("severity")
    chosen: Severity = row_severity if row_severity in SEVERITY_ORDER else severity
    row_confidence = row.get("confidence")
    details = _as_details(row.get("details"))
    details.update(
        {k: _plain(v) for k, v in row.items() if k not in _FINDING_COLUMNS and v is not None}
    )
    explanation = explain.format(**row) if explain else str(row.get("explanation") or title)
    return Finding(
        rule_id=rule_id,
        title=title,
        severity=chosen,
        confidence=_clamp(float(row_confidence) if row_confidence is not None else confidence),
        explanation=" ".join(explanation.split()),
        attack_ids=attack_ids,
        first_seen=row.get("first_seen"),
        last_seen=row.get("last_seen"),
        details=details,
        **{name: _as_tuple(row.get(name)) for name in ENTITY_COLUMNS},
    )


_FINDING_COLUMNS = frozenset(
    (*ENTITY_COLUMNS, "explanation", "severity", "confidence", "first_seen", "last_seen", "details")
)


def _plain(value: object) -> object:
    """A JSON-friendly form of a SQL value for the finding's details."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _as_tuple(value: object) -> tuple[str, ...]:
    """A sorted, de-duplicated tuple of non-empty strings from a SQL list (or scalar)."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(sorted({str(item) for item in items if item is not None and str(item) != ""}))


def _as_details(value: object) -> dict[str, object]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    try:
        parsed = orjson.loads(str(value))
    except orjson.JSONDecodeError:
        return {"details": str(value)}
    return parsed if isinstance(parsed, dict) else {"details": parsed}


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))
