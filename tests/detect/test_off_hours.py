"""Off-hours is a multiplier: it raises confidence of night-time findings, never fires alone."""

from __future__ import annotations

from pathlib import Path

from mailscope.detect.engine import run_detections
from mailscope.detect.events import ACTOR_IP, access, at, backed_access, history, merge
from mailscope.detect.rule_tests import load_rows
from mailscope.detect.rules import ip_signin
from mailscope.store.case import open_case


def _confidence(tmp_path: Path, hour: float) -> tuple[float, int]:
    # Day-time history (09:00 UTC) so that night hours are quiet for this tenant.
    rows = merge(history(range(30)), access(time=at(31, hour), client_ip=ACTOR_IP))
    connection = open_case(tmp_path, create=True)
    try:
        load_rows(connection, rows)
        run = run_detections(connection, list(ip_signin.DETECTIONS))
    finally:
        connection.close()
    assert len(run.findings) == 1
    return run.findings[0].confidence, len(run.findings)


def test_night_time_reads_raise_confidence(tmp_path: Path) -> None:
    night, _ = _confidence(tmp_path / "night", 15)  # 09:00 + 15 h = 00:00 UTC
    day, _ = _confidence(tmp_path / "day", 0.5)
    assert night > day


def test_off_hours_alone_raises_nothing(tmp_path: Path) -> None:
    rows = merge(history(range(6)), history(range(6, 8), client_ip="198.51.100.10"))
    night = backed_access(time=at(7, 15))
    connection = open_case(tmp_path, create=True)
    try:
        load_rows(connection, merge(rows, night))
        from mailscope.detect.registry import builtin_detections

        run = run_detections(connection, builtin_detections())
    finally:
        connection.close()
    assert [f.rule_id for f in run.findings if f.severity in ("high", "critical")] == []
