"""``mailscope intel``: validate IOC files and list the indicators mailscope hunts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from mailscope.cli.console import console, safe_text, show
from mailscope.errors import RuleError

if TYPE_CHECKING:
    from mailscope.intel.ioc import IocSet

SHOWN = 20  # skipped / refused lines printed per file
intel_app = typer.Typer(help="Threat-intel IOC files and packs.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``intel`` command group."""
    app.add_typer(intel_app, name="intel")


@intel_app.command("import")
def import_command(
    files: list[Path] = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="STIX 2.1 bundles, MISP JSON events, CSV (MISP, OTX, ThreatFox …) or TXT lists.",
    ),
) -> None:
    """Validate IOC files and summarise them (pass them to detect with --intel).

    Every entry is checked: skipped ones (types mailscope does not hunt) are summarised,
    refused ones (unknown type, value not of its type) are listed with file and line, and
    any refused entry makes the command fail after the whole file is read.
    """
    from mailscope.intel.lists import read_ioc_file

    table = Table(title="IOC files")
    for column in ("file", "format", "indicators", "by type", "windowed", "skipped", "not hunted"):
        table.add_column(column)
    loaded_files = [(path, read_ioc_file(path, collect_errors=True)) for path in files]
    for path, loaded in loaded_files:
        indicators = loaded.iocs.indicators
        kinds = Counter(i.type for i in indicators)
        windowed = sum(1 for i in indicators if i.valid_from or i.valid_until)
        table.add_row(
            safe_text(path),
            loaded.format,
            str(len(indicators)),
            ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
            str(windowed),
            str(len(loaded.skipped)),
            ", ".join(f"{family} {n}" for family, n in loaded.not_hunted),
        )
    show(table)
    refused: list[RuleError] = []
    for _path, loaded in loaded_files:
        _print_capped("skipped", loaded.skipped)
        _print_capped("refused", tuple(f"{e.location}: {e.message}" for e in loaded.errors))
        refused.extend(loaded.errors)
    if refused:
        raise RuleError(
            f"{len(refused)} IOC entr{'y' if len(refused) == 1 else 'ies'} refused",
            location=refused[0].location,
            hint=next((e.hint for e in refused if e.hint), "fix or remove the lines listed above"),
        )


def _print_capped(label: str, lines: tuple[str, ...]) -> None:
    """Print the first SHOWN lines and how many more there are."""
    for line in lines[:SHOWN]:
        console.print(f"[yellow]{label}[/] {safe_text(line)}")
    if len(lines) > SHOWN:
        console.print(f"[yellow]{label}[/] … and {len(lines) - SHOWN} more")


@intel_app.command("list")
def list_command(
    files: list[Path] = typer.Argument(
        None, exists=True, dir_okay=False, help="IOC files to list beside the bundled pack."
    ),
    kind: str | None = typer.Option(None, "--type", help="Only this indicator type."),
) -> None:
    """List the bundled Storm-0558 indicators (and any given files) with windows and sources."""
    from mailscope.intel.ioc import storm_0558_pack
    from mailscope.intel.lists import read_ioc_file

    sets = [storm_0558_pack(), *(read_ioc_file(path).iocs for path in files or [])]
    for iocs in sets:
        show(indicator_table(iocs, kind))
        for caveat in iocs.caveats:
            console.print(f"[dim]caveat:[/] {safe_text(caveat)}")


def indicator_table(iocs: IocSet, kind: str | None = None) -> Table:
    """One row per indicator: type, value, validity window, strength, role, source."""
    table = Table(title=safe_text(f"{iocs.title} [{iocs.name}]"))
    for column in ("type", "value", "valid", "strength", "role", "source"):
        table.add_column(column, overflow="fold")
    for indicator in iocs.indicators:
        if kind and indicator.type != kind:
            continue
        table.add_row(
            indicator.type,
            safe_text(indicator.value),
            indicator.window_text(),
            indicator.strength,
            safe_text(indicator.role),
            safe_text(indicator.source),
        )
    return table
