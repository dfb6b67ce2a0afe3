"""``mailscope ingest`` and ``mailscope case info`` through the Typer app."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli import console as console_module
from mailscope.cli import main
from mailscope.version import __version__
from tests.terminal import plain

runner = CliRunner()
HEADER = (
    "Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,"
    "MessageId,MessageTraceId\n"
)


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables are laid out for a wide terminal so that column names are not truncated."""
    monkeypatch.setattr(console_module.console, "_width", 200)


def _evidence(folder: Path, name: str = "trace.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        HEADER + "2023-06-01T09:00:00Z,a@x.example,b@x.example,s,Delivered,,,1,<m@x>,t1\n"
        "2023-06-01T09:00:00Z,a@x.example,c@x.example,s,Delivered,,,1,<m@x>,t1\n"
        "2023-06-01T09:00:00Z,a@x.example,c@x.example,s,Delivered,,,1,<m@x>,t1\n"
        "not,enough\x1b[31m,cells,,,,,,,,,,,\n",
        encoding="utf-8",
    )
    return path


def test_ingest_prints_summary_table(tmp_path: Path) -> None:
    evidence = _evidence(tmp_path / "ev")
    result = runner.invoke(
        main.app, ["ingest", "--quiet", "--case", str(tmp_path / "case"), str(evidence)]
    )
    assert result.exit_code == 0, result.output
    for column in ("file", "format", "records", "quarantined", "skipped", "duplicates", "seconds"):
        assert column in result.output
    row = next(line for line in result.output.splitlines() if "trace.csv" in line)
    cells = [cell.strip() for cell in row.split("│") if cell.strip()]
    assert cells[1:6] == ["exchange_message_trace_csv", "4", "1", "0", "1"]
    assert "1 record(s) quarantined" in result.output


def test_case_info_tables_and_json(tmp_path: Path) -> None:
    evidence = _evidence(tmp_path / "ev")
    runner.invoke(main.app, ["ingest", "-q", "--case", str(tmp_path / "case"), str(evidence)])
    text = runner.invoke(main.app, ["case", "info", "--case", str(tmp_path / "case")])
    assert text.exit_code == 0, text.output
    assert "message_trace 2" in text.output and "quarantined" in text.output
    as_json = runner.invoke(main.app, ["case", "info", "--case", str(tmp_path / "case"), "--json"])
    document = json.loads(as_json.output)
    assert document["tables"]["message_trace"] == 2
    [entry] = document["files"]
    assert (entry["records"], entry["quarantined"], entry["duplicates"]) == (4, 1, 1)
    assert document["quarantine_sample"][0]["line"] == 5


def test_help_and_version() -> None:
    helped = runner.invoke(main.app, ["--help"])
    assert helped.exit_code == 0
    assert "ingest" in helped.output and "case" in helped.output
    version = runner.invoke(main.app, ["--version"])
    assert (version.exit_code, version.output.strip()) == (0, f"mailscope {__version__}")


def test_missing_evidence_path_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    result = runner.invoke(main.app, ["ingest", "--case", str(tmp_path / "case"), str(missing)])
    assert result.exit_code != 0
    assert "does not exist" in plain(result.output)
    assert not (tmp_path / "case").exists()


def test_missing_case_exits_with_case_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["mailscope", "case", "info", "--case", str(tmp_path)])
    with pytest.raises(SystemExit) as exited:
        main.run()
    assert exited.value.code == 4
    assert "no case store here" in " ".join(capsys.readouterr().err.split())


def test_terminal_control_sequences_are_stripped(tmp_path: Path) -> None:
    evidence = _evidence(tmp_path / "ev", name="evil\x1b]0;pwned\x07\x1b[2Jname.csv")
    ingested = runner.invoke(
        main.app, ["ingest", "-q", "--case", str(tmp_path / "case"), str(evidence)]
    )
    info = runner.invoke(main.app, ["case", "info", "--case", str(tmp_path / "case")])
    for output in (ingested.output, info.output):
        assert "\x1b" not in output and "\x07" not in output
        assert "evil]0;pwned[2Jname.csv" in output
