"""Load SigmaHQ-format rules (files or folders) into detections; report the ones that fail.

A rule that cannot be parsed, routed to a store table, converted, or bound against the
store schema becomes a :class:`SigmaProblem` naming the file and the reason; every other
rule still loads (pySigma's collect-errors idea, STYLE.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import duckdb
import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule

from mailscope.detect.rule import Detection, RuleContext
from mailscope.detect.sigma.backend import ConvertedQuery, DuckDBBackend, converted_queries
from mailscope.detect.sigma.findings import SigmaMeta, finding_sql, run_sigma_query
from mailscope.detect.sigma.pipeline import PipelineSpec, TableSpec, bundled_pipeline
from mailscope.model.finding import Finding, Severity
from mailscope.store.schema import ddl

RULE_SUFFIXES = (".yml", ".yaml")

# Sigma "level" -> finding severity (Sigma specification, "Level").
LEVEL_SEVERITY: dict[str, Severity] = {
    "informational": "info",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "critical",
}
# Sigma "status" -> confidence: how much the rule's authors vouch for it.
STATUS_CONFIDENCE = {"stable": 0.8, "test": 0.65, "experimental": 0.5}
_ATTACK_TECHNIQUE = re.compile(r"^t\d{4}(\.\d{3})?$")


@dataclass(frozen=True, slots=True)
class SigmaProblem:
    """A Sigma rule (or file) that did not load, and why."""

    path: str
    rule_id: str
    title: str
    reason: str


def bundled_sigma_paths() -> list[Path]:
    """mailscope's own Sigma rules (MailItemsAccessed, which SigmaHQ does not cover)."""
    return [Path(str(files("mailscope.detect.sigma").joinpath("rules")))]


def load_sigma_detections(
    paths: Sequence[Path], spec: PipelineSpec | None = None
) -> tuple[list[Detection], list[SigmaProblem]]:
    """Every loadable rule under ``paths`` as a Detection, plus the problems of the rest."""
    spec = spec or bundled_pipeline()
    backend = DuckDBBackend(spec)
    checker = _SchemaCheck()
    detections: list[Detection] = []
    problems: list[SigmaProblem] = []
    seen: dict[str, str] = {}
    try:
        for path in _rule_files(paths, problems):
            for rule, problem in _rules_in(path):
                if problem is not None:
                    problems.append(problem)
                    continue
                assert rule is not None
                result = _convert(rule, path, backend, spec, checker)
                if isinstance(result, SigmaProblem):
                    problems.append(result)
                elif result.id in seen:
                    reason = f"duplicate rule id (first in {seen[result.id]})"
                    problems.append(SigmaProblem(str(path), result.id, result.title, reason))
                else:
                    seen[result.id] = str(path)
                    detections.append(result)
    finally:
        checker.close()
    return detections, problems


def _rule_files(paths: Sequence[Path], problems: list[SigmaProblem]) -> Iterator[Path]:
    """Rule files under ``paths`` in sorted order, each file once however often it is named."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
        elif path.is_file():
            found = [path]
        else:
            problems.append(SigmaProblem(str(path), "", "", "no such file or folder"))
            found = []
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                yield file


def _rules_in(path: Path) -> Iterator[tuple[SigmaRule | None, SigmaProblem | None]]:
    try:
        text = path.read_text("utf-8")
        collection = SigmaCollection.from_yaml(text, collect_errors=True)
    except (OSError, UnicodeDecodeError, SigmaError, ValueError, yaml.YAMLError) as error:
        yield None, SigmaProblem(str(path), "", "", f"cannot read rule file: {error}")
        return
    per_rule = {id(error) for rule in collection.rules for error in rule.errors}
    for invalid in collection.errors:
        if id(invalid) not in per_rule:
            yield None, SigmaProblem(str(path), "", "", f"invalid Sigma: {invalid}")
    for rule in collection.rules:
        rule_id, title = _labels(rule)
        if isinstance(rule, SigmaCorrelationRule):
            reason = "correlation rules are not supported"
            yield None, SigmaProblem(str(path), rule_id, title, reason)
        elif rule.errors:
            reason = f"invalid Sigma: {rule.errors[0]}"
            yield None, SigmaProblem(str(path), rule_id, title, reason)
        elif isinstance(rule, SigmaRule):
            yield rule, None


def _convert(
    rule: SigmaRule, path: Path, backend: DuckDBBackend, spec: PipelineSpec, checker: _SchemaCheck
) -> Detection | SigmaProblem:
    rule_id, title = _labels(rule)
    try:
        queries = converted_queries(backend.convert_rule(rule))
    except (SigmaError, NotImplementedError, TypeError, ValueError) as error:
        return SigmaProblem(str(path), rule_id, title, f"cannot convert: {error}")
    if len(queries) != 1:
        reason = f"expected one query, got {len(queries)}"
        return SigmaProblem(str(path), rule_id, title, reason)
    table = spec.tables[queries[0].table]
    sql = finding_sql(queries[0], table, spec.lookups_for(queries[0].where))
    failure = checker.check(sql)
    if failure is not None:
        reason = f"converted SQL does not run: {failure}"
        return SigmaProblem(str(path), rule_id, title, reason)
    return _detection(rule, path, queries[0], table, sql)


def _detection(
    rule: SigmaRule, path: Path, query: ConvertedQuery, table: TableSpec, sql: str
) -> Detection:
    level = rule.level.name.lower() if rule.level else "medium"
    status = rule.status.name.lower() if rule.status else "experimental"
    tags = sorted(f"{tag.namespace}.{tag.name}" for tag in rule.tags)
    rule_id = f"sigma:{rule.id or path.stem}"
    meta = SigmaMeta(
        rule_id=rule_id,
        title=str(rule.title),
        severity=LEVEL_SEVERITY.get(level, "medium"),
        confidence=STATUS_CONFIDENCE.get(status, 0.5),
        attack_ids=attack_ids(tags),
        details={"sigma_file": str(path), "sigma_level": level, "sigma_tags": tags},
    )

    def logic(ctx: RuleContext) -> list[Finding]:
        return run_sigma_query(ctx, sql, meta, table)

    return Detection(
        id=rule_id,
        title=meta.title,
        description=str(rule.description or rule.title),
        runbook=_runbook(rule),
        severity=meta.severity,
        attack_ids=meta.attack_ids,
        requires=(query.table,),
        logic=logic,
        source=str(path),
        sql=sql,
    )


def _labels(rule: SigmaRule | SigmaCorrelationRule) -> tuple[str, str]:
    """(``sigma:<id>`` or '', title) of a rule, for problem reports."""
    return (f"sigma:{rule.id}" if rule.id else "", str(rule.title or ""))


def attack_ids(tags: Sequence[str]) -> tuple[str, ...]:
    """ATT&CK technique ids from Sigma tags (``attack.t1114.002`` → ``T1114.002``)."""
    found = {
        tag.split(".", 1)[1].upper()
        for tag in tags
        if tag.startswith("attack.") and _ATTACK_TECHNIQUE.match(tag.split(".", 1)[1])
    }
    return tuple(sorted(found))


def _runbook(rule: SigmaRule) -> str:
    parts = []
    if rule.falsepositives:
        parts.append("False positives: " + "; ".join(str(f) for f in rule.falsepositives))
    if rule.references:
        parts.append("References: " + "; ".join(str(r) for r in rule.references))
    return "\n".join(parts) or "Review the matched records and the rule's intent."


class _SchemaCheck:
    """An empty in-memory case store on which every converted query must run."""

    def __init__(self) -> None:
        self._connection: duckdb.DuckDBPyConnection | None = None

    def check(self, sql: str) -> str | None:
        """None when ``sql`` runs on the empty store, else the DuckDB error."""
        if self._connection is None:
            self._connection = duckdb.connect(":memory:")
            self._connection.execute(ddl())
        try:
            self._connection.execute(sql, [None, None]).fetchall()
        except duckdb.Error as error:
            return str(error).splitlines()[0]
        return None

    def close(self) -> None:
        """Release the in-memory store."""
        if self._connection is not None:
            self._connection.close()
