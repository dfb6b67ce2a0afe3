"""``mailscope scope``: the actor, compromised mailboxes, exposed messages and what they hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from mailscope.cli.case_state import check_evidence, warn_interrupted
from mailscope.cli.console import console, err_console, safe_text, show

MAX_IPS_SHOWN = 12


def register(app: typer.Typer) -> None:
    """Add the ``scope`` command."""
    app.command("scope")(scope_command)


def scope_command(
    case: Path = typer.Option(..., "--case", help="Case folder (ingested and detected)."),
) -> None:
    """Derive the scope from findings and evidence; write CASE/scope.json."""
    from mailscope.stages import Options, scope

    check_evidence(case)
    with err_console.status("scoping…") as status:
        options = Options(
            on_step=lambda name: status.update(f"scope: {name}…"),
            on_interrupted=warn_interrupted,
        )
        path = scope(case, options)
    show(summary_table(load_document(path)))
    console.print(f"wrote {safe_text(path)}")


def load_document(path: Path) -> dict[str, Any]:
    """Read a scope.json back."""
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document


def summary_table(document: dict[str, Any]) -> Table:
    """One screen: mailboxes, exposed messages, SSNs, itineraries, markings, top
    department and the actor's IPs (evidence strings made terminal-safe)."""
    from mailscope.scope.org import top_department

    totals = document["totals"]
    table = Table(title="Scope", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("compromised mailboxes", f"{totals['mailboxes']:,}")
    table.add_row("exposed messages", f"{totals['exposed_messages']:,}")
    table.add_row("distinct US SSNs", f"{totals['us_ssn']:,}")
    table.add_row("messages with travel itineraries", f"{totals['itinerary_messages']:,}")
    table.add_row("messages with handling markings", f"{totals['marked_messages']:,}")
    top = top_department(totals["department_share"])
    table.add_row("top department", f"{safe_text(top[0])} ({top[1]:.0%})" if top else "-")
    ips = document["actor"]["ips"]
    shown = ", ".join(safe_text(ip) for ip in ips[:MAX_IPS_SHOWN])
    more = f" (+{len(ips) - MAX_IPS_SHOWN} more)" if len(ips) > MAX_IPS_SHOWN else ""
    table.add_row(f"actor IPs ({len(ips)})", (shown + more) or "-")
    return table
