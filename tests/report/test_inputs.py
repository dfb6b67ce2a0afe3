"""Reading the inputs: scope.json validation, missing stages, activity buckets."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mailscope.errors import CaseError, Location, UsageError
from mailscope.report.activity import MAX_BUCKETS, bucket_width
from mailscope.report.render import report_case
from mailscope.report.scope_doc import load_scope
from mailscope.store.case import open_case
from tests.report.build_case import build_case


def test_scope_json_with_another_schema_is_refused(tmp_path: Path) -> None:
    (tmp_path / "scope.json").write_text('{"schema": "mailscope.scope/99"}')
    with pytest.raises(CaseError, match="schema"):
        load_scope(tmp_path)


def test_scope_json_malformed_says_where(tmp_path: Path) -> None:
    (tmp_path / "scope.json").write_text('{"schema": "mailscope.scope/1", "compromised_')
    with pytest.raises(CaseError) as caught:
        load_scope(tmp_path)
    assert caught.value.location == Location(str(tmp_path / "scope.json"))
    bad_count = (
        '{"schema": "mailscope.scope/1", "compromised_mailboxes": [], "totals": {"mailboxes": "9"}}'
    )
    (tmp_path / "scope.json").write_text(bad_count)
    with pytest.raises(CaseError, match="malformed"):
        load_scope(tmp_path)


def test_missing_scope_json_reads_as_absent(tmp_path: Path) -> None:
    assert load_scope(tmp_path).present is False


def test_case_before_detection_and_scope_still_renders(tmp_path: Path) -> None:
    case = tmp_path / "fresh"
    open_case(case, create=True).close()
    written = report_case(case)
    names = {p.name for p in written}
    assert "scope.json" not in names and "report.html" in names
    page = (case / "report" / "report.html").read_text("utf-8")
    assert "Scope not computed yet" in page
    assert (case / "report" / "findings.jsonl").read_bytes() == b""


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="pdf"):
        report_case(tmp_path, ("html", "pdf"))


@pytest.mark.parametrize(
    ("span", "width"),
    [(timedelta(hours=20), 3600), (timedelta(days=6), 3 * 3600), (timedelta(days=33), 12 * 3600),
     (timedelta(days=100), 86400), (timedelta(days=400), 7 * 86400)],
)  # fmt: skip
def test_bucket_width_keeps_the_chart_readable(span: timedelta, width: int) -> None:
    start = datetime(2023, 5, 1)
    assert bucket_width(start, start + span) == width
    assert span.total_seconds() / width < MAX_BUCKETS


def test_activity_splits_actor_from_everyone_else(tmp_path: Path) -> None:
    from mailscope.report.activity import load_activity
    from mailscope.report.load_data import existing_tables

    build_case(tmp_path / "c")
    connection = open_case(tmp_path / "c", read_only=True)
    try:
        activity = load_activity(connection, existing_tables(connection))
        (total,) = connection.execute("SELECT count(*) FROM mail_access").fetchone()  # type: ignore[misc]
        (actor,) = connection.execute("SELECT count(*) FROM scope_access").fetchone()  # type: ignore[misc]
    finally:
        connection.close()
    assert activity.actor_total == actor > 0
    assert activity.normal_total == total - actor > 0
    starts = [b.start for b in activity.buckets]
    assert all(
        b - a == timedelta(seconds=activity.bucket_seconds) for a, b in itertools.pairwise(starts)
    )
