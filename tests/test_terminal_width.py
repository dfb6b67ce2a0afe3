"""Every word of a command's tables reaches the reader at any terminal width."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli import console as console_module
from mailscope.cli import main
from mailscope.cli.main import app
from mailscope.store.case import open_case
from tests.terminal import plain


@pytest.mark.parametrize("width", [40, 60, 80, 200])
def test_detect_table_whole_at_any_width(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setattr(console_module.console, "_width", width)
    open_case(tmp_path, create=True).close()
    result = CliRunner().invoke(app, ["detect", "--case", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = plain(result.output)
    assert "log source absent" in text
    assert "…" not in result.output  # no cell cut short
    assert max(len(line) for line in result.output.splitlines()) <= width


def test_usage_error_is_exit_two_not_internal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console script reports a mistyped option as usage (exit 2), not a crash (70)."""
    monkeypatch.setattr("sys.argv", ["mailscope", "scope", "--case", str(tmp_path), "-q"])
    with pytest.raises(SystemExit) as done:
        main.run()
    assert done.value.code == 2
    captured = capsys.readouterr()
    assert "No such option" in captured.err + captured.out
    assert "internal error" not in captured.err + captured.out
