"""IOC retro-hunt over every case-store table, with indicator validity windows.

One detection per indicator set and family (``intel:storm-0558:ip`` …). A match inside an
indicator's window keeps its strength; outside it is down-ranked to low and says so,
never hidden: the public Storm-0558 IPs were reused by others after their last-seen date
(Microsoft Threat Intelligence, 2023-07-14). A ``corroborating`` indicator (the
``Client=REST;Client=RESTSystem;;`` string, also shown by ordinary Graph PowerShell) is
info on its own and low only when the same records match another indicator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import orjson

from mailscope.detect.rule import Detection, RuleContext, SqlConnection
from mailscope.errors import RuleError
from mailscope.intel.ioc import Indicator, IocSet, storm_0558_pack
from mailscope.intel.lists import read_ioc_file
from mailscope.intel.match import Matcher
from mailscope.model.finding import SEVERITY_ORDER, Finding, Severity

EVIDENCE_CAP = 5000
ENTITY_KINDS = ("mailboxes", "users", "apps", "ips", "sessions", "tokens")
SEVERITY: dict[tuple[str, bool], Severity] = {
    ("strong", True): "high",
    ("strong", False): "low",
    ("medium", True): "medium",
    ("medium", False): "low",
}
CONFIDENCE = {"strong": 0.9, "medium": 0.6, "outside": 0.3, "corroborating": 0.2}


@cache
def hunt_map() -> dict[str, Any]:
    """The hunted [table, column] pairs per family and entity columns per table (data)."""
    data = files("mailscope.detect").joinpath("data/hunt_columns.json").read_bytes()
    parsed: dict[str, Any] = orjson.loads(data)
    return parsed


def ioc_detections(paths: Sequence[Path]) -> list[Detection]:
    """Retro-hunt detections for the bundled Storm-0558 pack plus each IOC file given."""
    sets = [storm_0558_pack(), *(read_ioc_file(path).iocs for path in paths)]
    detections: list[Detection] = []
    used: set[str] = set()
    for iocs in sets:
        name = _unique(iocs.name, used)
        families = sorted({i.hunt_kind for i in iocs.indicators if i.hunt_kind})
        detections.extend(_detection(iocs, name, family) for family in families)
    return detections


def _unique(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate in used:
        candidate, number = f"{name}-{number}", number + 1
    used.add(candidate)
    return candidate


def _detection(iocs: IocSet, name: str, family: str) -> Detection:
    rule_id = f"intel:{name}:{family}"
    title = f"IOC match: {iocs.title} ({family})"

    def logic(ctx: RuleContext) -> list[Finding]:
        return hunt(ctx.connection, iocs, family, rule_id=rule_id, title=title)

    return Detection(
        id=rule_id,
        title=title,
        description=f"Retro-hunt of the {family} indicators of {iocs.title} across the store.",
        runbook=(
            "Check the matched records against the indicator's validity window and role; a "
            "match outside the window, or of a corroborating indicator alone, is weak."
            + ("\nCaveats: " + " ".join(iocs.caveats) if iocs.caveats else "")
        ),
        severity="high",
        attack_ids=(),
        requires=(),
        logic=logic,
        source=iocs.origin or name,
    )


@dataclass
class _Hits:
    """Matched rows of one indicator on one side of its validity window."""

    keys: list[tuple[datetime | None, str]] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    co_matched: set[str] = field(default_factory=set)


def hunt(
    connection: SqlConnection, iocs: IocSet, family: str, *, rule_id: str, title: str
) -> list[Finding]:
    """Findings for every indicator of ``family`` in ``iocs`` that matches store rows."""
    mapping = hunt_map()
    matcher = Matcher.build(family, [i for i in iocs.indicators if i.hunt_kind == family])
    strong = _strong_matchers(iocs)
    hits: dict[tuple[Indicator, bool], _Hits] = defaultdict(_Hits)
    for table, column in mapping["columns"][family]:
        if not _has_table(connection, table):
            continue
        matched = _matched_values(connection, table, column, matcher)
        if matched:
            _collect(connection, table, column, matched, strong, hits)
    findings = [
        _finding(indicator, inside, found, rule_id, title)
        for (indicator, inside), found in hits.items()
    ]
    return _dedupe(sorted(findings, key=lambda f: (f.finding_id, f.explanation)))


def _strong_matchers(iocs: IocSet) -> dict[str, Matcher]:
    """Matchers of the non-corroborating indicators, to tell if a weak hit stands alone."""
    families = sorted({i.hunt_kind for i in iocs.indicators if i.hunt_kind})
    return {
        family: Matcher.build(
            family,
            [i for i in iocs.indicators if i.hunt_kind == family and i.strength != "corroborating"],
        )
        for family in families
    }


def _has_table(connection: SqlConnection, table: str) -> bool:
    """Whether the store (or the engine's view of it) has ``table``, asked in a way every
    engine answers (not every engine has DuckDB's information_schema)."""
    try:
        connection.execute(f"SELECT 1 FROM {table} WHERE false").fetchall()
    except (duckdb.Error, RuleError):
        return False
    return True


def _matched_values(
    connection: SqlConnection, table: str, column: str, matcher: Matcher
) -> dict[str, list[Indicator]]:
    rows = connection.execute(
        f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM {table} WHERE "{column}" IS NOT NULL'
    ).fetchall()
    matched = {}
    for (value,) in rows:
        found = matcher.match(value)
        if found:
            matched[str(value)] = found
    return matched


def _collect(
    connection: SqlConnection,
    table: str,
    column: str,
    matched: dict[str, list[Indicator]],
    strong: dict[str, Matcher],
    hits: dict[tuple[Indicator, bool], _Hits],
) -> None:
    mapping = hunt_map()
    entity_columns: dict[str, list[str]] = mapping["entities"][table]
    hunted = [(f, c) for f, pairs in mapping["columns"].items() for t, c in pairs if t == table]
    wanted = sorted({c for cols in entity_columns.values() for c in cols} | {c for _, c in hunted})
    select = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in wanted)
    cursor = connection.execute(
        f'SELECT record_key, "time", CAST("{column}" AS VARCHAR) AS __value, {select} '
        f'FROM {table} WHERE CAST("{column}" AS VARCHAR) IN (SELECT unnest(?)) '
        f'ORDER BY "time", record_key',
        [sorted(matched)],
    )
    names = [d[0] for d in cursor.description or ()]
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        for indicator in matched[str(row["__value"])]:
            found = hits[(indicator, indicator.in_window(row["time"]))]
            found.keys.append((row["time"], str(row["record_key"])))
            found.tables[table] += 1
            for kind, columns in entity_columns.items():
                found.entities[kind].update(str(row[c]) for c in columns if row[c])
            if indicator.strength == "corroborating":
                found.co_matched.update(
                    f"{i.type} {i.value}"
                    for fam, col in hunted
                    if fam in strong
                    for i in strong[fam].match(row[col])
                )


def _finding(indicator: Indicator, inside: bool, found: _Hits, rule_id: str, title: str) -> Finding:
    severity, confidence, note = _rank(indicator, inside, found)
    times = [t for t, _ in found.keys if t is not None]
    count = len(found.keys)
    tables = ", ".join(f"{t} ({n})" for t, n in sorted(found.tables.items()))
    role = f", {indicator.role}" if indicator.role else ""
    explanation = (
        f"{indicator.type} {indicator.value!r}{role} matched {count} record(s): {tables}. {note}"
    )
    ordered = sorted(found.keys, key=lambda k: (k[0] is None, k[0] or datetime.min, k[1]))
    return Finding(
        rule_id=rule_id,
        title=title,
        severity=severity,
        confidence=confidence,
        explanation=explanation,
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
        evidence_keys=tuple(dict.fromkeys(k for _, k in ordered[:EVIDENCE_CAP])),
        details={
            "indicator": indicator.value,
            "indicator_type": indicator.type,
            "role": indicator.role,
            "strength": indicator.strength,
            "source": indicator.source,
            "validity_window": indicator.window_text(),
            "in_window": inside,
            "matches": count,
            "tables": dict(sorted(found.tables.items())),
            "co_matched": sorted(found.co_matched),
        },
        **{kind: tuple(sorted(found.entities.get(kind, ()))) for kind in ENTITY_KINDS},
    )


def _rank(indicator: Indicator, inside: bool, found: _Hits) -> tuple[Severity, float, str]:
    """Severity, confidence and the sentence explaining them."""
    window = indicator.window_text()
    if indicator.strength == "corroborating":
        if found.co_matched:
            also = ", ".join(sorted(found.co_matched))
            return (
                "low",
                CONFIDENCE["corroborating"],
                (
                    f"Corroborating indicator, on records that also match {also}; it is never "
                    "evidence on its own."
                ),
            )
        return (
            "info",
            CONFIDENCE["corroborating"],
            (
                "Corroborating indicator only (common to legitimate clients too): never evidence "
                "on its own."
            ),
        )
    if inside:
        return (
            SEVERITY[(indicator.strength, True)],
            CONFIDENCE[indicator.strength],
            (f"Inside the indicator's validity window {window}."),
        )
    return (
        "low",
        CONFIDENCE["outside"],
        (
            f"Outside the indicator's validity window {window}: infrastructure is reused by "
            "others, so this match is weak (down-ranked, not hidden)."
        ),
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per id: two indicators on exactly the same records merge into the stronger."""
    kept: dict[str, Finding] = {}
    for finding in findings:
        other = kept.get(finding.finding_id)
        if other is None:
            kept[finding.finding_id] = finding
            continue
        stronger, weaker = sorted(
            (other, finding), key=lambda f: (-SEVERITY_ORDER[f.severity], f.explanation)
        )
        also = [*stronger.details.get("also_matched", []), weaker.details["indicator"]]  # type: ignore[misc]
        kept[finding.finding_id] = replace(
            stronger, details={**stronger.details, "also_matched": sorted(map(str, also))}
        )
    return list(kept.values())
