"""timeline.jsonl: Timesketch's JSONL import format, sorted, one event per actor access."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson

from mailscope.store.case import open_case

REQUIRED = ("message", "datetime", "timestamp_desc")


def _events(report_dir: Path) -> list[dict[str, object]]:
    lines = (report_dir / "timeline.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines]


def test_every_event_has_timesketch_fields_and_is_sorted(report_dir: Path) -> None:
    events = _events(report_dir)
    assert events
    times = []
    for event in events:
        assert all(isinstance(event[key], str) and event[key] for key in REQUIRED), event
        times.append(datetime.fromisoformat(str(event["datetime"])))
    assert times == sorted(times)


def test_one_event_per_actor_access_and_per_finding(rendered_case: Path) -> None:
    events = _events(rendered_case / "report")
    connection = open_case(rendered_case, read_only=True)
    try:
        (accesses,) = connection.execute("SELECT count(*) FROM scope_access").fetchone()  # type: ignore[misc]
        (findings,) = connection.execute(
            "SELECT count(*) FROM findings WHERE first_seen IS NOT NULL"
        ).fetchone()  # type: ignore[misc]
    finally:
        connection.close()
    kinds = [event["data_type"] for event in events]
    assert kinds.count("mailscope:actor:mail_access") == accesses
    assert kinds.count("mailscope:finding") == findings


def test_actor_audit_events_in_benign_out(report_dir: Path) -> None:
    audit = [e for e in _events(report_dir) if e["data_type"] == "m365:audit"]
    operations = [e["operation"] for e in audit]
    assert operations == ["New-InboxRule"]  # the benign folder-permission change is left out
