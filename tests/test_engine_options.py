"""The engine flags: a clear usage error for a missing PySpark, an unknown engine, or
Spark settings without ``--engine spark`` (no Spark needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli.engine_options import engine_options
from mailscope.cli.main import app
from mailscope.errors import UsageError
from mailscope.simulate import SimConfig, simulate


def test_spark_settings_need_the_spark_engine() -> None:
    with pytest.raises(UsageError, match="need --engine spark"):
        engine_options("duckdb", None, ["spark.executor.memory=4g"])
    with pytest.raises(UsageError, match="KEY=VALUE"):
        engine_options("spark", None, ["no-equals-sign"])
    fields = engine_options("spark", "spark://head:7077", ["a.b=1=2"])
    assert fields == {
        "engine": "spark",
        "spark_master": "spark://head:7077",
        "spark_conf": (("a.b", "1=2"),),
    }


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tenant")
    simulate(SimConfig(out=out, seed=2, users=30, days=7, scenario="none"))
    return out / "ual"


def test_unknown_engine_is_a_usage_error(tmp_path: Path, tenant: Path) -> None:
    result = CliRunner().invoke(
        app, ["investigate", str(tenant), "--case", str(tmp_path / "c"), "-q", "--engine", "x"]
    )
    assert isinstance(result.exception, UsageError)
    assert "unknown engine 'x'" in str(result.exception)
    assert not (tmp_path / "c").exists()  # refused before any ingest


def test_missing_pyspark_says_how_to_install_it(
    tmp_path: Path, tenant: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    result = CliRunner().invoke(
        app,
        ["investigate", str(tenant), "--case", str(tmp_path / "c"), "-q", "--engine", "spark"],
    )
    assert isinstance(result.exception, UsageError)
    assert "pip install 'mailscope[spark]'" in str(result.exception)
    assert not (tmp_path / "c").exists()  # refused before any ingest
