"""kill -9 at many points of ingest, detect, scope and report: re-running gives exactly the
outputs of one uninterrupted run, and the evidence folder is never written."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from mailscope.detect.engine import detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.report.render import report_case
from mailscope.scope.run import scope_case
from mailscope.simulate import SimConfig, simulate
from tests.store.casedump import forked, snapshot, tables

pytestmark = pytest.mark.slow
STAGES = ("ingest", "detect", "scope", "report")
# (stage killed, fault point or "" for a timed kill, seconds before a timed kill)
KILL_POINTS = [
    ("ingest", "ingest:journalled", 0),
    ("ingest", "ingest:file-start#1", 0),
    ("ingest", "ingest:file-start#2", 0),
    ("ingest", "ingest:file-start#5", 0),
    ("ingest", "ingest:batch#1", 0),
    ("ingest", "ingest:batch#3", 0),
    ("ingest", "publish:copied-table#1", 0),
    ("ingest", "publish:copied-table#3", 0),
    ("ingest", "publish:before-commit#1", 0),
    ("ingest", "publish:before-commit#3", 0),
    ("ingest", "publish:committed#2", 0),
    ("ingest", "ingest:files-done", 0),
    ("ingest", "ingest:before-manifest", 0),
    ("ingest", "ingest:before-finish", 0),
    ("detect", "detect:journalled", 0),
    ("detect", "detect:before-finish", 0),
    ("scope", "scope:journalled", 0),
    ("scope", "scope:before-finish", 0),
    ("detect", "", 1.0),
    ("scope", "", 1.0),
    ("report", "", 0.5),
    ("report", "", 1.5),
]


def _evidence(sim: Path) -> list[Path]:
    return [sim / "ual", sim / "entra", sim / "users.csv", sim / "mailboxes"]


def _stage(stage: str, case: Path, sim: Path) -> None:
    if stage == "ingest":
        ingest(case, _evidence(sim))
    elif stage == "detect":
        detect_case(case)
    elif stage == "scope":
        scope_case(case)
    else:
        report_case(case, ("json", "csv", "stix"))


def _outputs(case: Path) -> tuple[object, ...]:
    reports = sorted((case / "report").rglob("*")) if (case / "report").exists() else []
    # Reports name their case folder; the two cases under test live in different folders.
    names = (str(case).encode(), f"{case.parent.name}/{case.name}".encode())
    files = {p.name: _unnamed(p.read_bytes(), names) for p in reports if p.is_file()}
    scope = (case / "scope.json").read_bytes() if (case / "scope.json").exists() else b""
    return tables(case), scope, files


def _unnamed(data: bytes, names: tuple[bytes, ...]) -> bytes:
    for name in names:
        data = data.replace(name, b"CASE")
    return data


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[object, ...]]:
    root = tmp_path_factory.mktemp("tenant")
    simulate(SimConfig(out=root / "sim", seed=5, users=30, days=7))
    case = root / "clean"
    for stage in STAGES:
        _stage(stage, case, root / "sim")
    return root / "sim", _outputs(case)


@pytest.mark.parametrize(("stage", "fault", "after"), KILL_POINTS)
def test_kill_anywhere_then_rerun_equals_one_run(
    tmp_path: Path, tenant: tuple[Path, tuple[object, ...]], stage: str, fault: str, after: float
) -> None:
    sim, clean = tenant
    before = snapshot(sim)
    case = tmp_path / "case"
    done = STAGES[: STAGES.index(stage)]
    for earlier in done:
        _stage(earlier, case, sim)
    args = {
        "ingest": ["ingest", "-q", *map(str, _evidence(sim)), "--case", str(case)],
        "detect": ["detect", "--case", str(case)],
        "scope": ["scope", "--case", str(case)],
        "report": ["report", "--case", str(case), "--format", "json,csv,stix"],
    }[stage]
    status = forked(args, fault, kill_after=after if not fault else None)
    assert status == -signal.SIGKILL or (not fault and status == 0)
    for rest in STAGES[STAGES.index(stage) :]:
        _stage(rest, case, sim)
    assert _outputs(case) == clean
    assert snapshot(sim) == before
    shutil.rmtree(case)
