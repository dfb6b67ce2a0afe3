"""``mailscope intel import`` and ``intel list``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli.console import console
from mailscope.cli.main import app
from mailscope.errors import RuleError


@pytest.fixture(autouse=True)
def wide_console() -> Iterator[None]:
    """Rich wraps table cells at the terminal width; give it room for whole values."""
    before = console.width
    console.width = 250
    yield
    console.width = before


def test_import_summarises_and_rejects(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("203.0.113.9\n\x1b[31mEvilAgent/1.0\n", "utf-8")
    result = CliRunner().invoke(app, ["intel", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "ipv4-addr 1, user-agent 1" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("type,value\nipv4-addr,300.1.1.1\n", "utf-8")
    result = CliRunner().invoke(app, ["intel", "import", str(bad)])
    assert result.exit_code != 0 and isinstance(result.exception, Exception)


def test_list_shows_the_bundled_pack() -> None:
    result = CliRunner().invoke(app, ["intel", "list", "--type", "jwk-kid"])
    assert result.exit_code == 0, result.output
    assert "1LTMzakihiRla_8z2BEJVXeWMqo" in result.output
    assert "195.26.87.219" not in result.output
    assert "caveat:" in result.output


FIXTURES = Path(__file__).parent / "fixtures"


def test_import_counts_feed_types_and_what_is_not_hunted() -> None:
    result = CliRunner().invoke(app, ["intel", "import", str(FIXTURES / "feed_dateadded.csv")])
    assert result.exit_code == 0, result.output
    assert "app-id 1, ipv4-addr 2, user-agent 1" in result.output
    assert "domain 1, file hash 1, url 1" in result.output
    assert "feed_dateadded.csv:4: domainname 'mail-sync.example': domain, not hunted" in (
        result.output
    )


def test_import_lists_every_refused_line_then_fails() -> None:
    path = FIXTURES / "feed_refused.csv"
    result = CliRunner().invoke(app, ["intel", "import", str(path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, RuleError)
    assert str(result.exception).startswith(f"{path}:3: 6 IOC entries refused (accepted types")
    for line in range(3, 9):
        assert f"refused {path}:{line}: " in result.output
    assert "ipv4-addr 2" in result.output  # the good rows are still read and counted
