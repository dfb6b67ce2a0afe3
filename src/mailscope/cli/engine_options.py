"""``--engine``, ``--spark-master`` and ``--spark-conf``: where ``detect`` and
``investigate`` run the detections."""

from __future__ import annotations

from typing import Any, TypedDict

import typer

from mailscope.errors import UsageError

ENGINE_OPTION: Any = typer.Option(
    "duckdb",
    "--engine",
    help="Run the detections (and investigate's sensitive-content scan) on 'duckdb' (this "
    "machine, the default) or 'spark' (needs pip install 'mailscope[spark]'); the findings "
    "and scope are the same.",
)
SPARK_MASTER_OPTION: Any = typer.Option(
    None, "--spark-master", help="Spark master URL (default local[*], or MAILSCOPE_SPARK_MASTER)."
)
SPARK_CONF_OPTION: Any = typer.Option(
    [], "--spark-conf", help="A Spark setting KEY=VALUE (repeatable)."
)


class EngineFields(TypedDict):
    engine: str
    spark_master: str | None
    spark_conf: tuple[tuple[str, str], ...]


def engine_options(engine: str, master: str | None, conf: list[str]) -> EngineFields:
    """The ``Options`` fields for the engine flags (Spark flags need ``--engine spark``)."""
    pairs = []
    for pair in conf:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--spark-conf takes KEY=VALUE, not {pair!r}")
        pairs.append((key.strip(), value))
    if engine != "spark" and (master or pairs):
        raise UsageError("--spark-master and --spark-conf need --engine spark")
    return EngineFields(engine=engine, spark_master=master, spark_conf=tuple(pairs))
