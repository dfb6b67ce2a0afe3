"""Run every enabled detection over a case and rewrite its ``findings`` and ``rule_runs``.

A rule whose required log source is empty is *skipped* with the missing source named;
a rule that fails is recorded as *error* with the reason; neither is ever silently passed.
Sigma and intel detections come from their own packages (imported lazily) and go through
the same registry as the built-ins, so duplicate ids are rejected everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from mailscope.detect.context import build_context
from mailscope.detect.registry import Registry, builtin_registry
from mailscope.detect.rule import Detection, RuleContext, RuleSkipped, SqlConnection
from mailscope.detect.scoring import adjust_findings
from mailscope.detect.user_rules import load_user_rules
from mailscope.errors import RuleError
from mailscope.model.finding import SEVERITY_ORDER, Finding, write_findings
from mailscope.store.case import open_case

RuleEngine = Callable[[duckdb.DuckDBPyConnection], SqlConnection]
"""Given the open case store, where the rules' SQL runs instead (e.g. Spark over a Parquet
copy of the store's tables)."""


@dataclass(frozen=True, slots=True)
class RuleRun:
    """What happened to one detection in one run."""

    rule_id: str
    status: str  # 'ran' | 'skipped' | 'error'
    reason: str = ""
    findings: int = 0
    seconds: float = 0.0


@dataclass
class DetectRun:
    """The outcome of :func:`detect_case`: rule runs, findings, Sigma problems, window."""

    runs: list[RuleRun] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sigma_problems: list[object] = field(default_factory=list)
    baseline_until: datetime | None = None
    period_start: datetime | None = None
    period_end: datetime | None = None

    def by_status(self, status: str) -> list[RuleRun]:
        """Rule runs with ``status``."""
        return [run for run in self.runs if run.status == status]


def detect_case(
    case_dir: Path,
    *,
    rules_dirs: Sequence[Path] = (),
    sigma_paths: Sequence[Path] = (),
    intel_paths: Sequence[Path] = (),
    baseline_until: datetime | None = None,
    engine: RuleEngine | None = None,
) -> DetectRun:
    """Run built-in, user, Sigma and intel detections over the case at ``case_dir``; their
    SQL runs on ``engine(store)`` when given (the Spark engine), else on the store."""
    registry = builtin_registry()
    for directory in rules_dirs:
        registry.extend(load_user_rules(directory))
    problems = _add_sigma(registry, sigma_paths)
    _add_intel(registry, intel_paths)
    connection = open_case(case_dir)
    try:
        rules_on = engine(connection) if engine is not None else None
        return run_detections(connection, registry, baseline_until, problems, engine=rules_on)
    finally:
        connection.close()


def run_detections(
    connection: duckdb.DuckDBPyConnection,
    detections: Registry | Sequence[Detection],
    baseline_until: datetime | None = None,
    sigma_problems: Sequence[object] = (),
    *,
    engine: SqlConnection | None = None,
) -> DetectRun:
    """Run ``detections`` on an open store; clear and rewrite ``findings`` and ``rule_runs``.

    The rules' SQL runs on ``engine`` when given (the Spark engine's view of the same
    tables), else on the store itself; findings are written to the store either way."""
    ctx = build_context(engine if engine is not None else connection, baseline_until)
    result = DetectRun(
        sigma_problems=list(sigma_problems),
        baseline_until=ctx.baseline_until,
        period_start=ctx.period_start,
        period_end=ctx.period_end,
    )
    sizes: dict[str, int] = {}
    for detection in detections:
        run, found = _run_one(ctx, detection, sizes)
        result.runs.append(run)
        result.findings.extend(found)
    result.runs.extend(_problem_runs(sigma_problems))
    result.findings = sorted(adjust_findings(ctx, result.findings), key=_finding_order)
    _write(connection, result)
    return result


def _run_one(
    ctx: RuleContext, detection: Detection, sizes: dict[str, int]
) -> tuple[RuleRun, list[Finding]]:
    if not detection.enabled:
        return RuleRun(detection.id, "skipped", "disabled"), []
    missing = [table for table in detection.requires if _rows(ctx, table, sizes) == 0]
    if missing:
        reason = "log source absent: " + ", ".join(f"{table} is empty" for table in missing)
        return RuleRun(detection.id, "skipped", reason), []
    clock = time.perf_counter()
    try:
        found = detection.run(ctx)
    except RuleSkipped as skipped:
        return RuleRun(detection.id, "skipped", skipped.reason), []
    except (duckdb.Error, ValueError, TypeError, KeyError, RuleError) as error:
        seconds = time.perf_counter() - clock
        return RuleRun(detection.id, "error", f"{type(error).__name__}: {error}", 0, seconds), []
    seconds = time.perf_counter() - clock
    return RuleRun(detection.id, "ran", "", len(found), round(seconds, 4)), found


def _rows(ctx: RuleContext, table: str, sizes: dict[str, int]) -> int:
    if table not in sizes:
        try:
            row = ctx.connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        except (duckdb.CatalogException, RuleError):
            row = (0,)
        sizes[table] = int(row[0]) if row else 0
    return sizes[table]


def _problem_runs(problems: Sequence[object]) -> list[RuleRun]:
    """One 'error' rule run per Sigma rule that could not be converted."""
    runs = []
    for problem in problems:
        location = getattr(problem, "path", None) or getattr(problem, "location", None)
        rule_id = getattr(problem, "rule_id", None) or f"sigma:{location or 'unknown'}"
        reason = str(getattr(problem, "reason", None) or problem)
        where = f"{location}: " if location and str(location) not in reason else ""
        runs.append(RuleRun(str(rule_id), "error", f"{where}{reason}"))
    return runs


def _finding_order(finding: Finding) -> tuple[int, str, str, str]:
    return (
        -SEVERITY_ORDER.get(finding.severity, 0),
        finding.rule_id,
        str(finding.first_seen),
        finding.finding_id,
    )


def _write(connection: duckdb.DuckDBPyConnection, result: DetectRun) -> None:
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute("DELETE FROM findings")
        connection.execute("DELETE FROM rule_runs")
        write_findings(connection, result.findings)
        rows = [(r.rule_id, r.status, r.reason, r.findings, r.seconds) for r in result.runs]
        if rows:
            connection.executemany("INSERT INTO rule_runs VALUES (?, ?, ?, ?, ?)", rows)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _add_sigma(registry: Registry, paths: Sequence[Path]) -> list[object]:
    """mailscope's bundled Sigma rules, then the user's ``--sigma`` files and folders."""
    try:
        from mailscope.detect.sigma.loader import bundled_sigma_paths, load_sigma_detections
    except ModuleNotFoundError as error:
        if error.name is not None and not error.name.startswith("mailscope.detect.sigma"):
            raise
        if paths:
            raise RuleError("Sigma support is not available in this build") from error
        return []
    detections, problems = load_sigma_detections([*bundled_sigma_paths(), *paths])
    registry.extend(detections)
    return list(problems)


def _add_intel(registry: Registry, paths: Sequence[Path]) -> None:
    """IOC retro-hunts; the bundled Storm-0558 pack loads even without ``--intel``."""
    from mailscope.detect.ioc_hunt import ioc_detections

    registry.extend(ioc_detections(list(paths)))
