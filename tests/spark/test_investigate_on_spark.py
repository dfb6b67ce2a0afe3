"""``investigate --engine spark`` gives the scope.json the default engine gives, on a
simulated intrusion (with its mailbox exports, so message content is scanned on Spark) and
on the real samples and labs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import mailscope
from mailscope.cli.main import app
from mailscope.simulate import SimConfig, simulate
from tests.paths import sample

pytestmark = pytest.mark.spark


def test_cli_on_spark_writes_the_same_scope_as_duckdb(spark: Any, tmp_path: Path) -> None:
    simulate(SimConfig(out=tmp_path / "sim", seed=5, users=40, days=10, scenario="storm-0558"))
    parts = ("ual", "entra", "users.csv", "mailboxes")
    evidence = [str(tmp_path / "sim" / part) for part in parts]
    runner = CliRunner()
    on_duckdb = runner.invoke(app, ["investigate", *evidence, "--case", str(tmp_path / "d"), "-q"])
    on_spark = runner.invoke(
        app,
        ["investigate", *evidence, "--case", str(tmp_path / "s"), "-q", "--engine", "spark"],
    )
    assert on_duckdb.exit_code == 0, on_duckdb.output
    assert on_spark.exit_code == 0, on_spark.output
    scope = (tmp_path / "d" / "scope.json").read_text("utf-8")
    assert (tmp_path / "s" / "scope.json").read_text("utf-8") == scope
    assert '"mailboxes": 0' not in scope  # the intrusion was found, not two empty answers
    totals = json.loads(scope)["totals"]  # and the content scanned on Spark exposed data
    assert totals["us_ssn"] > 0 and totals["itinerary_messages"] > 0, totals
    assert (tmp_path / "s" / "parquet" / "mail_access").is_dir()  # tables Spark read


@pytest.mark.parametrize(
    "relative",
    ["ual", "entra", "labs/det-eng-samples", "labs/otrf-goldensaml"],
)
def test_samples_give_the_same_scope_on_spark(spark: Any, tmp_path: Path, relative: str) -> None:
    evidence = sample(relative)
    on_duckdb = mailscope.investigate([evidence], tmp_path / "duckdb")
    on_spark = mailscope.investigate([evidence], tmp_path / "spark", engine="spark")
    assert [(r.rule_id, r.status, r.findings) for r in on_spark.detected.runs] == [
        (r.rule_id, r.status, r.findings) for r in on_duckdb.detected.runs
    ]
    assert on_spark.detected.findings == on_duckdb.detected.findings
    assert on_spark.scope_path.read_bytes() == on_duckdb.scope_path.read_bytes()
