"""The ``mailscope`` command: one Typer app, each command group in its own module."""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from mailscope.cli.console import print_error
from mailscope.errors import MailscopeError
from mailscope.version import __version__

app = typer.Typer(
    name="mailscope",
    help="Investigate cloud-mail intrusions offline: ingest, detect, scope, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes ``register(app)``; the order is the order of ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "mailscope.cli.ingest_cmd",
    "mailscope.cli.case_cmd",
    "mailscope.cli.detect_cmd",
    "mailscope.cli.scope_cmd",
    "mailscope.cli.investigate_cmd",
    "mailscope.cli.campaign_cmd",
    "mailscope.cli.simulate_cmd",
    "mailscope.cli.report_cmd",
    "mailscope.cli.intel_cmd",
    "mailscope.cli.token_cmd",
)

_state = {"debug": False}


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"mailscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
) -> None:
    """Investigate cloud-mail intrusions offline: ingest, detect, scope, report."""
    _state["debug"] = debug


for _name in COMMAND_MODULES:
    import_module(_name).register(app)


def run() -> None:
    """Console-script entry point: run the app, turn MailscopeError into an exit code."""
    try:
        app(standalone_mode=False)
    except MailscopeError as error:
        if _state["debug"]:
            raise
        print_error(error)
        sys.exit(error.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        print_error(MailscopeError("aborted"))
        sys.exit(130)
    except Exception as error:  # click usage errors and the like
        import click

        # Typer >= 0.20 raises its own copy of click's exceptions (TyperException).
        if isinstance(error, (click.ClickException, typer.exceptions.TyperException)):
            show = getattr(error, "show", None)
            if callable(show):
                show()
            sys.exit(int(getattr(error, "exit_code", 2)))
        if _state["debug"]:
            raise
        print_error(MailscopeError(f"internal error: {error!r}", hint="re-run with --debug"))
        sys.exit(70)
