"""Run a converted Sigma query over the case store and group its matches into findings.

Matches are grouped per user (the table's first ``users`` entity column that is set), so a
rule that hits ten thousand records of one account gives one finding naming them, not ten
thousand findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mailscope.detect.rule import RuleContext
from mailscope.detect.sigma.backend import ConvertedQuery
from mailscope.detect.sigma.pipeline import ENTITY_KINDS, RAW_JSON, Lookup, TableSpec
from mailscope.model.finding import Finding, Severity

EVIDENCE_CAP = 5000
"""Most record keys kept on one finding; the full count is in ``details["matches"]``."""


@dataclass(frozen=True, slots=True)
class SigmaMeta:
    """What a finding carries from its Sigma rule."""

    rule_id: str
    title: str
    severity: Severity
    confidence: float
    attack_ids: tuple[str, ...]
    details: dict[str, object] = field(default_factory=dict)


def finding_sql(query: ConvertedQuery, table: TableSpec, lookups: Sequence[Lookup] = ()) -> str:
    """One SQL statement: the Sigma condition over ``table``, grouped per user.

    ``lookups`` are joined for the derived fields that read them. Parameters: period
    start and end (either may be NULL).
    """
    time = f'"{table.time_column}"'
    users = table.entities.get("users") or ()
    group = _coalesce(users) if users else "''"
    entity_columns = ",\n  ".join(
        f"{_entity_list(table.entities.get(kind) or ())} AS {kind}" for kind in ENTITY_KINDS
    )
    source = f"{table.name} AS t"
    if RAW_JSON in query.where:
        # Parse the raw record only for rules that read it (invalid JSON reads as NULL).
        source = (
            f"(SELECT *, CASE WHEN json_valid(raw) THEN CAST(raw AS JSON) END AS {RAW_JSON} "
            f"FROM {table.name}) AS t"
        )
    joins = "".join(f"\n  {lookup.join()}" for lookup in lookups)
    return f"""
WITH matched AS (
  SELECT t.* FROM {source}{joins}
  WHERE ({query.where})
    AND (CAST($1 AS TIMESTAMP) IS NULL OR {time} >= CAST($1 AS TIMESTAMP))
    AND (CAST($2 AS TIMESTAMP) IS NULL OR {time} <= CAST($2 AS TIMESTAMP))
)
SELECT
  {group} AS grp,
  min({time}) AS first_seen,
  max({time}) AS last_seen,
  count(*) AS matches,
  {entity_columns},
  list(record_key ORDER BY {time}, record_key)[1:{EVIDENCE_CAP}] AS evidence_keys
FROM matched
GROUP BY grp
ORDER BY grp
"""


def _coalesce(columns: tuple[str, ...]) -> str:
    parts = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
    return f"COALESCE({parts}, '')"


def _entity_list(columns: tuple[str, ...]) -> str:
    if not columns:
        return "CAST([] AS VARCHAR[])"
    lists = ", ".join(f'list(CAST("{c}" AS VARCHAR))' for c in columns)
    combined = lists if len(columns) == 1 else f"flatten([{lists}])"
    return f"list_sort(list_distinct({combined}))"


def run_sigma_query(ctx: RuleContext, sql: str, meta: SigmaMeta, table: TableSpec) -> list[Finding]:
    """Execute ``sql`` (from :func:`finding_sql`) and build one finding per group."""
    cursor = ctx.connection.execute(sql, [ctx.period_start, ctx.period_end])
    names = [column[0] for column in cursor.description or ()]
    return [_finding(dict(zip(names, row, strict=True)), meta, table) for row in cursor.fetchall()]


def _finding(row: dict[str, Any], meta: SigmaMeta, table: TableSpec) -> Finding:
    matches = int(row["matches"])
    who = str(row["grp"]) or "no named user"
    explanation = f"Sigma rule {meta.title!r} matched {matches} {table.name} record(s) for {who}."
    details = dict(meta.details)
    details.update({"table": table.name, "matches": matches})
    if matches > EVIDENCE_CAP:
        details["evidence_truncated_to"] = EVIDENCE_CAP
    first: datetime | None = row["first_seen"]
    last: datetime | None = row["last_seen"]
    entities = {kind: tuple(str(v) for v in row[kind] or () if v) for kind in ENTITY_KINDS}
    return Finding(
        rule_id=meta.rule_id,
        title=meta.title,
        severity=meta.severity,
        confidence=meta.confidence,
        explanation=explanation,
        attack_ids=meta.attack_ids,
        first_seen=first,
        last_seen=last,
        evidence_keys=tuple(str(k) for k in row["evidence_keys"] or ()),
        details=details,
        **entities,
    )
