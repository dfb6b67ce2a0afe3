"""Run the positive/negative test events a detection carries against a scratch store.

Used by the test suite for every built-in rule and available to users for their own
rules (their YAML ``tests:``), so a rule's claims about itself are always checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from mailscope.detect.engine import RuleRun, run_detections
from mailscope.detect.rule import Detection, Rows, RuleTest
from mailscope.model.finding import Finding
from mailscope.store.case import open_case, table_columns
from mailscope.store.schema import ddl


@dataclass(frozen=True, slots=True)
class RuleTestResult:
    """The outcome of one RuleTest: the rule run, its findings, and whether it passed."""

    test: RuleTest
    run: RuleRun
    findings: tuple[Finding, ...]
    problem: str  # '' when the test passed

    @property
    def passed(self) -> bool:
        return not self.problem


def load_rows(connection: duckdb.DuckDBPyConnection, rows: Rows) -> None:
    """Insert test rows (absent columns NULL); unknown columns are an error."""
    for table, records in rows.items():
        columns = [name for name, _ in table_columns(connection, table)]
        for record in records:
            unknown = sorted(set(record) - set(columns))
            if unknown:
                raise ValueError(f"{table} has no column(s) {', '.join(unknown)}")
            names = [c for c in columns if c in record]
            marks = ", ".join("?" for _ in names)
            connection.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                [record[n] for n in names],
            )


def run_rule_test(
    detection: Detection, test: RuleTest, scratch: Path | None = None
) -> RuleTestResult:
    """Load ``test.rows`` into a new store and run ``detection`` on it.

    The store is a case folder under ``scratch`` or, by default, an in-memory store with
    the same schema (fast enough to run every rule's cases on every test run).
    """
    connection = open_case(scratch, create=True) if scratch is not None else _memory_store()
    try:
        load_rows(connection, test.rows)
        return run_loaded(connection, detection, test)
    finally:
        connection.close()


def run_loaded(
    connection: duckdb.DuckDBPyConnection, detection: Detection, test: RuleTest
) -> RuleTestResult:
    """Run ``detection`` on a store that already holds ``test``'s evidence (its rows, or
    the raw exports they stand for, ingested) and judge the findings against the test."""
    outcome = run_detections(connection, [detection], test.baseline_until)
    run = outcome.runs[0]
    findings = tuple(f for f in outcome.findings if f.rule_id == detection.id)
    return RuleTestResult(test, run, findings, _problem(test, run, findings))


def _memory_store() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    connection.execute(ddl())
    return connection


def _problem(test: RuleTest, run: RuleRun, findings: Sequence[Finding]) -> str:
    if run.status != "ran":
        return f"rule {run.status}: {run.reason}"
    if not test.fires:
        return f"fired {len(findings)} finding(s) on a negative case" if findings else ""
    if not findings:
        return "did not fire on a positive case"
    return _missing_entities(test.entities, findings)


def _missing_entities(expected: Mapping[str, tuple[str, ...]], findings: Sequence[Finding]) -> str:
    for kind, values in expected.items():
        seen = {value for finding in findings for value in getattr(finding, kind)}
        missing = sorted(set(values) - seen)
        if missing:
            return f"findings lack {kind} {missing}"
    return ""
