"""The investigation as a library: the four stages in order, each a function of (case, options).

``STAGES`` is the one list of stages: ``mailscope investigate`` drives it, and so can a
notebook, a scheduler or another engine::

    import mailscope

    result = mailscope.investigate(["evidence/"], "case/")
    result.document["totals"]["mailboxes"]

or one stage at a time, each reading and writing the case store (so each can be re-run
alone)::

    options = mailscope.Options(evidence=(Path("evidence/"),))
    for stage in mailscope.STAGES:
        print(stage.name, stage.run(Path("case/"), options))

Nothing heavy is imported until a stage runs, so ``import mailscope`` stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from mailscope.errors import UsageError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mailscope.detect.engine import DetectRun, RuleEngine
    from mailscope.ingest.results import IngestRun, ProgressFn
    from mailscope.scope.exposed_messages import ContentScan
    from mailscope.store.empty_evidence import EmptyEvidence
    from mailscope.store.journal import Interruption

StrPath = str | PathLike[str]


def _no_interruptions(found: list[Interruption]) -> None:
    """Interrupted runs are reported in the case's journal and reports either way."""


ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Options:
    """What the stages need besides the case folder; every field has a working default.

    ``on_progress`` gets ingest progress (bytes and records per file), ``on_step`` the name of
    each scope step, ``on_interrupted`` the runs a killed process left unfinished, found when
    a stage starts.
    """

    evidence: tuple[Path, ...] = ()
    intel: tuple[Path, ...] = ()
    sigma: tuple[Path, ...] = ()
    rules: tuple[Path, ...] = ()
    baseline_until: datetime | None = None
    accept_changed: bool = False
    formats: tuple[str, ...] | None = None  # None: every report format
    engine: str = "duckdb"  # where detect and the content scan run: "duckdb" or "spark"
    spark_master: str | None = None  # Spark master URL (default local[*])
    spark_conf: tuple[tuple[str, str], ...] = ()  # extra Spark settings

    def __post_init__(self) -> None:
        # Checked now, not when detect starts after a long ingest.
        if self.engine not in ENGINES:
            raise UsageError(f"unknown engine {self.engine!r}: choose {' or '.join(ENGINES)}")
        if self.engine == "spark":
            from mailscope.spark.session import require_pyspark

            require_pyspark()

    on_progress: ProgressFn | None = None
    on_step: Callable[[str], None] | None = None
    on_interrupted: Callable[[list[Interruption]], None] = _no_interruptions


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: its name and the function that runs it on a case."""

    name: str
    run: Callable[[Path, Options], object]


def ingest(case: Path, options: Options) -> IngestRun:
    """Read the evidence into the case store (quarantining what cannot be read)."""
    from mailscope.ingest.pipeline import ingest as ingest_files

    run = ingest_files(
        case,
        list(options.evidence),
        on_progress=options.on_progress,
        accept_changed=options.accept_changed,
    )
    options.on_interrupted(run.interrupted)
    return run


def detect(case: Path, options: Options) -> DetectRun:
    """Run the built-in, user, Sigma and intel detections; store their findings."""
    from mailscope.detect.engine import detect_case
    from mailscope.store.journal import journalled_run

    with journalled_run(case, "detect") as journal:
        options.on_interrupted(journal.interrupted)
        return detect_case(
            case,
            rules_dirs=options.rules,
            sigma_paths=options.sigma,
            intel_paths=options.intel,
            baseline_until=options.baseline_until,
            engine=_rule_engine(case, options),
        )


def _rule_engine(case: Path, options: Options) -> RuleEngine | None:
    """Where the detections' SQL runs: None for the store itself (DuckDB), or Spark."""
    if options.engine == "duckdb":
        return None
    from mailscope.spark.detect import spark_rules

    return spark_rules(_spark(options), case)


def scope(case: Path, options: Options) -> Path:
    """Scope the intrusion: the actor, mailboxes, messages, exposure; return scope.json."""
    from mailscope.scope.run import scope_case
    from mailscope.store.journal import journalled_run

    with journalled_run(case, "scope") as journal:
        options.on_interrupted(journal.interrupted)
        return scope_case(case, on_step=options.on_step, scan=_content_scan(case, options))


def _content_scan(case: Path, options: Options) -> ContentScan | None:
    """Where the exposed messages' content is scanned: None for the case store (DuckDB),
    or Spark executors over the Parquet copy of the case that detect wrote."""
    if options.engine == "duckdb":
        return None
    from mailscope.spark.detect import PARQUET
    from mailscope.spark.sensitive_scan import spark_scan

    tables = case / PARQUET
    if not tables.is_dir():
        raise UsageError(f"no Parquet copy of the case in {tables}: run detect on Spark first")
    return spark_scan(_spark(options), str(tables))


def _spark(options: Options) -> SparkSession:
    """The session the Spark stages share (the same one for every stage of a run)."""
    from mailscope.spark.session import spark_session

    return spark_session(options.spark_master, dict(options.spark_conf))


def report(case: Path, options: Options) -> list[Path]:
    """Write the report and exports into ``case/report/``; return the files written."""
    from mailscope.report.formats import FORMATS
    from mailscope.report.render import report_case

    return report_case(case, options.formats or FORMATS)


STAGES: tuple[Stage, ...] = (
    Stage("ingest", ingest),
    Stage("detect", detect),
    Stage("scope", scope),
    Stage("report", report),
)


@dataclass
class Investigation:
    """What :func:`investigate` produced: each stage's result, and the case's scope."""

    case: Path
    ingested: IngestRun
    detected: DetectRun
    scope_path: Path
    reports: list[Path]
    # Set when no record could be read or the case holds no mailbox access: the scope is
    # then empty because evidence is missing, not because nothing happened.
    empty: EmptyEvidence | None
    # Recorded evidence files no longer at their path (the case was read, not the files).
    warnings: list[str]

    @property
    def document(self) -> dict[str, Any]:
        """scope.json, as written (the contract in ``scope/schema``)."""
        loaded: dict[str, Any] = json.loads(self.scope_path.read_text("utf-8"))
        return loaded


def empty_evidence(case: Path) -> EmptyEvidence | None:
    """Why the case's scope cannot be trusted to be complete, or None when it can."""
    from mailscope.store.case import open_case
    from mailscope.store.empty_evidence import empty_evidence as find_empty

    connection = open_case(case, read_only=True)
    try:
        return find_empty(connection)
    finally:
        connection.close()


def run_stages(
    case: Path,
    options: Options,
    stages: Sequence[Stage] = STAGES,
    *,
    around: Callable[[Stage, Callable[[], object]], object] | None = None,
) -> dict[str, object]:
    """Run ``stages`` in order on ``case``; each result by stage name. ``around`` wraps each
    stage's run (the CLI prints a heading and the wall time)."""
    results: dict[str, object] = {}
    for stage in stages:

        def work(stage: Stage = stage) -> object:
            return stage.run(case, options)

        results[stage.name] = around(stage, work) if around else work()
    return results


def investigate(
    evidence: Sequence[StrPath],
    case: StrPath,
    *,
    intel: Sequence[StrPath] = (),
    sigma: Sequence[StrPath] = (),
    rules: Sequence[StrPath] = (),
    baseline_until: datetime | None = None,
    formats: Sequence[str] | None = None,
    on_progress: ProgressFn | None = None,
    on_step: Callable[[str], None] | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    spark_conf: Mapping[str, str] | None = None,
) -> Investigation:
    """Ingest ``evidence`` (files, folders, .zip archives) into the case folder ``case``
    (created if missing), detect, scope and report: ``mailscope investigate`` without the
    terminal. ``engine="spark"`` runs the detections and the sensitive-content scan on Spark
    (``spark_master``, ``spark_conf``), with the same findings and scope.

    Raises ``EvidenceChangedError`` when evidence recorded in an existing case changed since
    it was ingested. An empty result is not an error here: check ``Investigation.empty``.
    """
    from mailscope.store.case import store_path
    from mailscope.store.locations import check_recorded

    folder = Path(case)
    warning = check_recorded(folder) if store_path(folder).exists() else None
    options = Options(
        evidence=tuple(Path(p) for p in evidence),
        intel=tuple(Path(p) for p in intel),
        sigma=tuple(Path(p) for p in sigma),
        rules=tuple(Path(p) for p in rules),
        baseline_until=baseline_until,
        formats=tuple(formats) if formats is not None else None,
        on_progress=on_progress,
        on_step=on_step,
        engine=engine,
        spark_master=spark_master,
        spark_conf=tuple((spark_conf or {}).items()),
    )
    results = run_stages(folder, options)
    return Investigation(
        case=folder,
        ingested=cast("IngestRun", results["ingest"]),
        detected=cast("DetectRun", results["detect"]),
        scope_path=cast(Path, results["scope"]),
        reports=cast(list[Path], results["report"]),
        empty=empty_evidence(folder),
        warnings=[warning] if warning else [],
    )
