"""The engine and registry: skipped with the missing source, errors recorded, duplicates
rejected with their location, user rules from YAML/SQL/Python, SQL portable to Spark."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from typer.testing import CliRunner

from mailscope.cli.main import app
from mailscope.detect.engine import detect_case, run_detections
from mailscope.detect.events import ACTOR_IP, at, audit, merge
from mailscope.detect.registry import Registry, builtin_detections
from mailscope.detect.rule import Detection, RuleContext, sql_detection
from mailscope.detect.rule_tests import load_rows, run_rule_test
from mailscope.detect.user_rules import load_user_rules
from mailscope.errors import Location, RuleError
from mailscope.store.case import open_case


def _rule(rule_id: str, sql: str = "SELECT 'x' AS explanation", **kw: object) -> Detection:
    return sql_detection(
        id=rule_id,
        title="t",
        description="d",
        runbook="r",
        severity="low",
        attack_ids=("T1114",),
        requires=kw.pop("requires", ()),
        sql=sql,
        **kw,  # type: ignore[arg-type]
    )


def test_duplicate_ids_are_rejected_with_both_locations() -> None:
    registry = Registry([_rule("R-1", source="a.yml")])
    with pytest.raises(RuleError) as raised:
        registry.add(_rule("R-1", source="b.yml"))
    assert raised.value.location == Location("b.yml")
    assert "a.yml" in str(raised.value)


def test_builtin_ids_are_unique_and_tagged() -> None:
    detections = builtin_detections()
    assert len(Registry(detections)) == len(detections) >= 15
    for detection in detections:
        assert detection.attack_ids and all(a.startswith("T") for a in detection.attack_ids)
        assert detection.description and detection.runbook


@pytest.mark.parametrize("detection", builtin_detections(), ids=lambda d: d.id)
def test_builtin_sql_transpiles_to_spark(detection: Detection) -> None:
    assert detection.sql
    spark = sqlglot.transpile(detection.sql, read="duckdb", write="spark")
    assert len(spark) == 1 and spark[0]


def test_absent_source_is_skipped_with_its_name_and_errors_are_recorded(tmp_path: Path) -> None:
    connection = open_case(tmp_path, create=True)
    try:
        needs = _rule("NEEDS-SIGNINS", requires=("signins",))
        broken = _rule("BROKEN", sql="SELECT no_such_column FROM audit_events")
        run = run_detections(connection, [needs, broken])
        rows = connection.execute("SELECT rule_id, status, reason FROM rule_runs").fetchall()
    finally:
        connection.close()
    by_id = {rule_id: (status, reason) for rule_id, status, reason in rows}
    assert by_id["NEEDS-SIGNINS"][0] == "skipped" and "signins" in by_id["NEEDS-SIGNINS"][1]
    assert by_id["BROKEN"][0] == "error" and "no_such_column" in by_id["BROKEN"][1]
    assert run.findings == []


def test_rerun_replaces_findings(tmp_path: Path) -> None:
    connection = open_case(tmp_path, create=True)
    try:
        load_rows(
            connection,
            merge(
                *[audit("New-InboxRule", time=at(0, i / 100), client_ip=ACTOR_IP) for i in range(4)]
            ),
        )
    finally:
        connection.close()
    first = detect_case(tmp_path)
    second = detect_case(tmp_path)
    connection = open_case(tmp_path, read_only=True)
    try:
        stored = connection.execute("SELECT finding_id FROM findings ORDER BY 1").fetchall()
    finally:
        connection.close()
    assert [f.finding_id for f in first.findings] == [f.finding_id for f in second.findings]
    assert sorted(f.finding_id for f in second.findings) == [row[0] for row in stored]


def test_user_rules_yaml_sql_python(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        "id: U-YAML\ntitle: any rule\nseverity: medium\nattack: [T1114]\n"
        "requires: [audit_events]\nsql: |\n  SELECT 'rule ' || id AS explanation,\n"
        "    [record_key] AS evidence_keys FROM audit_events WHERE id = 'x'\n"
        "tests:\n  - name: hit\n    fires: true\n"
        "    rows: {audit_events: [{record_key: k1, id: x}]}\n"
        "  - name: miss\n    fires: false\n    rows: {audit_events: [{record_key: k2, id: y}]}\n"
    )
    (tmp_path / "b.sql").write_text(
        "-- id: U-SQL\n-- title: sql rule\n-- severity: low\n-- attack: T1114, T1098\n"
        "SELECT 'x' AS explanation WHERE false\n"
    )
    (tmp_path / "c.py").write_text(
        "from mailscope.detect.rule import sql_detection\n"
        "DETECTIONS = (sql_detection(id='U-PY', title='p', description='', runbook='',\n"
        "    severity='low', attack_ids=(), requires=(), sql=\"SELECT 'x' AS explanation\"),)\n"
    )
    detections = {d.id: d for d in load_user_rules(tmp_path)}
    assert set(detections) == {"U-YAML", "U-SQL", "U-PY"}
    assert detections["U-SQL"].attack_ids == ("T1114", "T1098")
    assert str(tmp_path / "c.py") == detections["U-PY"].source
    for test in detections["U-YAML"].tests:
        assert run_rule_test(detections["U-YAML"], test).passed


def test_bad_user_rule_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("id: X\ntitle: t\nseverity: dreadful\nsql: SELECT 1\n")
    with pytest.raises(RuleError) as raised:
        load_user_rules(tmp_path)
    assert "bad.yml" in str(raised.value.location)


def test_python_logic_detection(tmp_path: Path) -> None:
    def logic(ctx: RuleContext) -> list:  # type: ignore[type-arg]
        assert ctx.query("SELECT count(*) FROM detect_window")[0][0] == 1
        return []

    rule = Detection("PY-1", "t", "d", "r", "low", (), (), logic)
    connection = open_case(tmp_path, create=True)
    try:
        run = run_detections(connection, [rule])
    finally:
        connection.close()
    assert run.runs[0].status == "ran"


def test_cli_rules_list_and_detect(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["rules", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert '"MS-TOKEN-NO-SIGNIN"' in listed.output
    open_case(tmp_path, create=True).close()
    detected = runner.invoke(app, ["detect", "--case", str(tmp_path)])
    assert detected.exit_code == 0, detected.output
    assert "skipped" in detected.output and "log source absent" in detected.output
