"""``mailscope report``: writes the files and never lets evidence drive the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli.main import app
from mailscope.cli.report_cmd import parse_formats
from mailscope.errors import UsageError
from tests.report.build_case import build_case


def test_report_command_prints_summary_without_control_sequences(tmp_path: Path) -> None:
    case = tmp_path / "case"
    build_case(case)
    result = CliRunner().invoke(app, ["report", "--case", str(case), "--format", "html,csv"])
    assert result.exit_code == 0, result.output
    assert "4 mailboxes" in result.output and "report.html" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert (case / "report" / "report.html").exists()
    assert not (case / "report" / "iocs.stix.json").exists()


def test_hostile_department_name_is_printed_as_plain_text(tmp_path: Path) -> None:
    case = tmp_path / "case"
    build_case(case, messages_per_mailbox=4)
    scope = (case / "scope.json").read_text()
    # make the hostile department the largest share so the CLI headline prints it
    scope = scope.replace('"Bureau of East Asian and Pacific Affairs": 0.5', '"\\u001b[31mX": 0.9')
    (case / "scope.json").write_text(scope)
    result = CliRunner().invoke(app, ["report", "--case", str(case), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "[31mX" in result.output and "\x1b" not in result.output


def test_format_list_parsing() -> None:
    assert parse_formats(" html, CSV ,html") == ("html", "csv")
    with pytest.raises(UsageError):
        parse_formats("html,docx")
    with pytest.raises(UsageError):
        parse_formats(" , ")
