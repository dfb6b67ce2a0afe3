"""The README documents every command, and shows the two commands CI and users run."""

from __future__ import annotations

from pathlib import Path

import typer.main

from mailscope.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _command_paths(command: object, prefix: str = "") -> list[str]:
    # Typer ships its own click; walk groups by their ``commands`` mapping.
    if hasattr(command, "commands"):
        paths: list[str] = []
        for name, sub in sorted(command.commands.items()):
            paths.extend(_command_paths(sub, f"{prefix} {name}".strip()))
        return paths
    return [prefix]


def test_every_command_is_documented_in_the_readme() -> None:
    paths = _command_paths(typer.main.get_command(app))
    assert len(paths) >= 10
    missing = [path for path in paths if f"mailscope {path}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_shows_the_ci_test_command_and_the_demo() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in ci
    assert "make test" in README
    assert "make demo" in README
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "\ndemo:" in makefile
    assert "\ntest:" in makefile
