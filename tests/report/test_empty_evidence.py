"""Never silently empty: a case of which nothing could be read, or without any mailbox
access, is said to be so at the top of ``investigate``'s summary and of the report, and
``investigate`` exits 6 unless ``--allow-empty`` is given."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from mailscope.cli import main
from mailscope.errors import EmptyEvidenceError
from mailscope.ingest.pipeline import ingest
from mailscope.report.html import render_html
from mailscope.report.load_data import load_report_data
from mailscope.report.markdown import render_markdown
from mailscope.store.case import open_case
from mailscope.store.empty_evidence import (
    NO_MAIL_ACCESS,
    NOTHING_READ,
    EmptyEvidence,
    empty_evidence,
)
from mailscope.store.writer import insert_rows
from tests.paths import sample
from tests.terminal import plain

MAIL_ACCESS = Path(__file__).parents[1] / "ingest/ual/fixtures/defender-streaming-eventhub.json"
TRACE = (
    "Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,"
    "MessageId,MessageTraceId\n"
    "2023-06-01T09:00:00Z,a@x.example,b@x.example,s,Delivered,,,1,<m@x>,t1\n"
)


def _devices_only(folder: Path) -> Path:
    """A Defender export holding nothing but endpoint telemetry (every row skipped)."""
    row = {
        "Timestamp": "2023-06-14T01:00:00Z",
        "ActionType": "LdapSearch",
        "DeviceId": "d1",
        "InitiatingProcessFileName": "powershell.exe",
    }
    path = folder / "devices.jsonl"
    path.write_bytes(orjson.dumps(row) + b"\n" + orjson.dumps(row | {"DeviceId": "d2"}) + b"\n")
    return path


def _unreadable(tmp_path: Path) -> Path:
    folder = tmp_path / "unreadable"
    folder.mkdir()
    (folder / "notes.txt").write_text("an analyst's note, not evidence\n", encoding="utf-8")
    _devices_only(folder)
    return folder


def _no_mail(tmp_path: Path) -> Path:
    folder = tmp_path / "no-mail"
    folder.mkdir()
    (folder / "trace.csv").write_text(TRACE, encoding="utf-8")
    (folder / "notes.txt").write_text("an analyst's note\n", encoding="utf-8")
    return folder


def _empty(case: Path) -> EmptyEvidence | None:
    connection = open_case(case, read_only=True)
    try:
        return empty_evidence(connection)
    finally:
        connection.close()


def test_nothing_read_names_every_file_and_why(tmp_path: Path) -> None:
    folder = _unreadable(tmp_path)
    ingest(tmp_path / "case", [folder])
    empty = _empty(tmp_path / "case")
    assert empty is not None
    assert (empty.kind, empty.files, empty.records) == (NOTHING_READ, 2, 3)
    assert empty.lines()[2:] == [
        f"no record could be read from {folder / 'devices.jsonl'} "
        "(ual-defender-advanced-hunting; skipped Defender DeviceEvents (endpoint telemetry): 2)",
        f"no record could be read from {folder / 'notes.txt'} (unrecognised; 1 quarantined)",
    ]


def test_no_mail_access_names_the_unread_file_only(tmp_path: Path) -> None:
    folder = _no_mail(tmp_path)
    ingest(tmp_path / "case", [folder])
    empty = _empty(tmp_path / "case")
    assert empty is not None
    assert empty.kind == NO_MAIL_ACCESS
    assert [f.path for f in empty.unread] == [str(folder / "notes.txt")]


def test_mail_items_accessed_is_mailbox_access(tmp_path: Path) -> None:
    ingest(tmp_path / "case", [MAIL_ACCESS])
    assert _empty(tmp_path / "case") is None


def test_defender_sample_mail_read_without_items_is_mailbox_access(tmp_path: Path) -> None:
    """The OTRF record's FolderItems were flattened away: no mail_access row, still access."""
    ingest(tmp_path / "case", [sample("defender/m365d-advanced-hunting-otrf.jsonl")])
    assert _empty(tmp_path / "case") is None


@pytest.mark.parametrize(
    ("uri", "empty"),
    [
        ("https://graph.microsoft.com/v1.0/users/bob@x.example/messages/AAMk", False),
        ("https://graph.microsoft.com/v1.0/me/mailFolders/inbox", False),
        ("https://graph.microsoft.com/v1.0/users/bob@x.example/memberOf", True),
    ],
)
def test_graph_mail_requests_are_mailbox_access(tmp_path: Path, uri: str, empty: bool) -> None:
    case = tmp_path / "case"
    ingest(case, [_no_mail(tmp_path)])
    connection = open_case(case)
    try:
        insert_rows(connection, "graph_activity", [(*(None,) * 12, uri, *(None,) * 8)])
        assert (empty_evidence(connection) is not None) is empty
    finally:
        connection.close()


def test_report_header_and_summary_say_nothing_was_read(tmp_path: Path) -> None:
    folder = _unreadable(tmp_path)
    ingest(tmp_path / "case", [folder])
    connection = open_case(tmp_path / "case", read_only=True)
    try:
        data = load_report_data(tmp_path / "case", connection)
    finally:
        connection.close()
    page = render_html(data, datetime(2024, 1, 1, tzinfo=UTC))
    alarm = page[page.index('<div class="alarm"') : page.index('<nav class="toc')]
    assert 'data-value="nothing_read"' in alarm
    assert "Nothing to analyse: no record could be read from any of the 2 evidence" in alarm
    assert f"<code>{folder / 'devices.jsonl'}</code>" in alarm
    assert f"<code>{folder / 'notes.txt'}</code>" in alarm
    assert "Defender DeviceEvents (endpoint telemetry): 2" in alarm
    assert "2 skipped records of data mailscope does not analyse" in page
    assert page.index('class="alarm"') < page.index('id="summary"')
    summary = render_markdown(data)
    assert summary.splitlines()[2].startswith("> **WARNING: Nothing to analyse")
    assert "devices.jsonl" in summary and "notes.txt" in summary


def test_report_of_a_case_with_mail_access_has_no_warning(tmp_path: Path) -> None:
    ingest(tmp_path / "case", [MAIL_ACCESS])
    connection = open_case(tmp_path / "case", read_only=True)
    try:
        data = load_report_data(tmp_path / "case", connection)
    finally:
        connection.close()
    assert data.empty is None
    page = render_html(data, datetime(2024, 1, 1, tzinfo=UTC))
    assert 'class="alarm"' not in page and "WARNING" not in render_markdown(data)
    # The evidence section shows skipped records beside quarantined ones.
    evidence = page[page.index('<section id="evidence"') :]
    assert "<th" in evidence and "Skipped" in evidence


def _investigate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["mailscope", "investigate", "-q", *args])
    code = 0
    try:
        main.run()
    except SystemExit as done:
        code = int(done.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_investigate_exits_6_when_nothing_could_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _unreadable(tmp_path)
    case = tmp_path / "case"
    code, out, err = _investigate(monkeypatch, capsys, str(folder), "--case", str(case))
    assert code == EmptyEvidenceError.exit_code == 6
    text = plain(out)
    assert text.startswith("WARNING: Nothing to analyse: no record could be read from any of")
    assert f"no record could be read from {folder / 'devices.jsonl'}" in text
    assert f"no record could be read from {folder / 'notes.txt'}" in text
    assert text.index("WARNING") < text.index("compromised mailboxes")
    assert "--allow-empty" in plain(err)
    page = (case / "report" / "report.html").read_text("utf-8")  # the report is still written
    assert 'data-value="nothing_read"' in page


def test_investigate_allow_empty_warns_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _no_mail(tmp_path)
    case = tmp_path / "case"
    args = (str(folder), "--case", str(case), "--allow-empty")
    code, out, err = _investigate(monkeypatch, capsys, *args)
    assert code == 0, err
    text = plain(out)
    assert text.startswith("WARNING: No mailbox-access evidence")
    assert f"no record could be read from {folder / 'notes.txt'}" in text
    assert "trace.csv" not in text
    page = (case / "report" / "report.html").read_text("utf-8")
    assert 'data-value="no_mail_access"' in page
    # Without the flag, the same case exits 6.
    code, _, _ = _investigate(monkeypatch, capsys, str(folder), "--case", str(case))
    assert code == 6


def test_investigate_with_mail_access_exits_0_without_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case"
    code, out, err = _investigate(monkeypatch, capsys, str(MAIL_ACCESS), "--case", str(case))
    assert code == 0, err
    assert "WARNING" not in out and "compromised mailboxes" in plain(out)
    assert 'class="alarm"' not in (case / "report" / "report.html").read_text("utf-8")
