"""The README's library example runs as written, and says what the CLI would."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## As a library"


def _example() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index(SECTION) :]
    match = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert match is not None, "the library section has no python example"
    return match.group(1)


def test_the_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(_example(), "README.md", "exec"), {"__name__": "readme"})
    lines = printed.getvalue().splitlines()
    document = json.loads((tmp_path / "case" / "scope.json").read_text("utf-8"))
    totals = document["totals"]
    assert (
        lines[0]
        == f"{totals['mailboxes']} mailboxes, {totals['exposed_messages']} messages exposed"
    )
    assert totals["mailboxes"] >= 1  # the simulated intrusion is found
    assert "clustering the actor" in lines  # the scope stage ran alone and said its steps
    assert (tmp_path / "case" / "report" / "report.html").is_file()
    assert len(lines) >= 4  # the three top rules follow the scope steps


def test_investigate_is_what_the_cli_runs(tmp_path: Path) -> None:
    """The library and ``mailscope investigate`` give the same scope.json on one tenant."""
    from typer.testing import CliRunner

    import mailscope
    from mailscope.cli.main import app
    from mailscope.simulate import SimConfig, simulate

    simulate(
        SimConfig(out=tmp_path / "evidence", seed=3, users=30, days=7, scenario="bec-inbox-rule")
    )
    result = mailscope.investigate([tmp_path / "evidence"], tmp_path / "library")
    cli = CliRunner().invoke(
        app, ["investigate", str(tmp_path / "evidence"), "--case", str(tmp_path / "cli"), "-q"]
    )
    assert cli.exit_code == 0, cli.output
    assert [stage.name for stage in mailscope.STAGES] == ["ingest", "detect", "scope", "report"]
    library = result.scope_path.read_text("utf-8")
    assert library == (tmp_path / "cli" / "scope.json").read_text("utf-8")
    assert result.document["totals"]["mailboxes"] >= 1
