"""Local-mode settings of the Spark session (no Spark needed)."""

from __future__ import annotations

import os
import sys

import pytest

from mailscope.spark.session import local_defaults


def test_local_mode_gives_the_jvm_half_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPARK_DRIVER_MEMORY", raising=False)
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    settings = local_defaults()
    half = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30 / 2
    assert settings["spark.driver.memory"] == f"{max(1, int(half))}g"
    assert os.environ["PYSPARK_PYTHON"] == sys.executable


def test_the_users_driver_memory_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARK_DRIVER_MEMORY", "3g")
    assert "spark.driver.memory" not in local_defaults()
