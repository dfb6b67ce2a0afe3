"""``mailscope token check``: validate a JWT offline against a JWKS file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from mailscope.cli.console import console, safe_text, show
from mailscope.errors import UsageError

if TYPE_CHECKING:
    from mailscope.intel.token import TokenReport

token_app = typer.Typer(help="Check access tokens offline.", no_args_is_help=True)

MARK = {"pass": "[green]pass[/]", "fail": "[red]FAIL[/]", "skip": "[dim]skip[/]"}


def register(app: typer.Typer) -> None:
    """Add the ``token`` command group."""
    app.add_typer(token_app, name="token")


@token_app.command("check")
def check_command(
    token: str = typer.Argument(..., help="The JWT, or a file holding it."),
    jwks: Path = typer.Option(..., "--jwks", exists=True, dir_okay=False, help="JWKS file."),
    issuer: str | None = typer.Option(None, "--issuer", help="The iss the token must carry."),
    at: str | None = typer.Option(
        None, "--at", help="Check lifetimes at this ISO-8601 UTC instant instead of now."
    ),
) -> None:
    """Validate signature, key issuer vs iss/tid, stolen keys, lifetimes (exit 1: invalid)."""
    from mailscope.intel.token import check_token, load_jwks

    text = _token_text(token)
    keys = load_jwks(jwks.read_bytes(), location=str(jwks))
    report = check_token(text, keys, now=_instant(at), issuer=issuer)
    show(report_table(report))
    if report.valid:
        console.print("[green]token is valid[/]")
        return
    critical = any(c.critical and c.status == "fail" for c in report.checks)
    console.print("[bold red]token is INVALID" + (" (critical)" if critical else "") + "[/]")
    raise typer.Exit(code=1)


def report_table(report: TokenReport) -> Table:
    """The checks as a Rich table (details escaped: token contents are hostile)."""
    table = Table(title="Token checks")
    for column in ("check", "result", "detail"):
        table.add_column(column)
    for check in report.checks:
        result = MARK[check.status] + (" [bold red](critical)[/]" if check.critical else "")
        table.add_row(check.name, result, safe_text(check.detail))
    return table


def _token_text(token: str) -> str:
    """The token itself, or the contents of the file it names."""
    try:
        is_file = Path(token).is_file()
    except OSError:  # a real token is longer than any file name
        is_file = False
    return Path(token).read_text("utf-8").strip() if is_file else token.strip()


def _instant(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError as error:
        raise UsageError(f"--at {at!r} is not an ISO-8601 instant") from error
    return value if value.tzinfo else value.replace(tzinfo=UTC)
