"""``mailscope simulate``: write a synthetic tenant's evidence with a hidden intrusion."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mailscope.cli.console import console, err_console, safe_text
from mailscope.errors import UsageError
from mailscope.simulate.config import SCALE_FORMATS as FORMATS
from mailscope.simulate.config import SCENARIOS, VARIANTS

_HELP = (
    "Generate a synthetic foreign-ministry tenant's evidence (Purview CSV, Management API "
    "JSON lines, Graph sign-ins, users CSV, .eml mailboxes) with an intrusion hidden in "
    "benign activity, and truth.json to score against. Same seed, same bytes.\n\n"
    "Scenarios: " + "; ".join(f"{k}: {v}" for k, v in SCENARIOS.items()) + ".\n\n"
    "Variants (storm-0558): " + "; ".join(f"{k}: {v}" for k, v in VARIANTS.items()) + ".\n\n"
    "Scale mode (--records N --format purview-csv|mgmt-jsonl) streams N audit records "
    "to one file in constant memory, for benchmarks.\n\n"
    "Campaign mode (--campaign N) writes OUT/<organisation>/evidence/ for N organisations "
    "(one actor rotating its infrastructure across them, some untouched, one with an "
    "unrelated intrusion) and OUT/campaign-truth.json."
)


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` command."""
    app.command("simulate", help=_HELP)(simulate_command)


def simulate_command(
    out: Path = typer.Option(..., "--out", help="Folder to write the evidence into."),
    seed: int = typer.Option(7, "--seed", help="Random seed; same seed, same bytes."),
    users: int = typer.Option(300, "--users", help="People in the organisation (>= 30)."),
    days: int = typer.Option(21, "--days", help="Length of the period in days (7-120)."),
    scenario: str = typer.Option(
        "storm-0558", "--scenario", help=f"One of: {', '.join(SCENARIOS)}."
    ),
    variant: str = typer.Option("mixed", "--variant", help=f"One of: {', '.join(VARIANTS)}."),
    records: int = typer.Option(0, "--records", help="Scale mode: stream this many records."),
    fmt: str = typer.Option("", "--format", help=f"Scale-mode output: {' or '.join(FORMATS)}."),
    campaign: int = typer.Option(
        0, "--campaign", help="Campaign mode: this many organisations (>= 2)."
    ),
) -> None:
    """Generate a synthetic tenant (or, with --records, a large audit-log stream)."""
    if records or fmt:
        _scale(out, seed, records, fmt)
        return
    if campaign:
        _campaign(out, seed, campaign, users, days)
        return
    from mailscope.simulate import SimConfig, simulate

    summary = simulate(
        SimConfig(out=out, seed=seed, users=users, days=days, scenario=scenario, variant=variant)
    )
    for name, count in summary.files.items():
        console.print(f"  {safe_text(name)}: {count:,}")
    console.print(
        f"[green]wrote[/] {safe_text(out)}: {summary.unique_audit_ids:,} audit records, "
        f"{summary.compromised_mailboxes} compromised mailbox(es), "
        f"{summary.exposed_messages:,} exposed message(s) in truth.json"
    )


def _scale(out: Path, seed: int, records: int, fmt: str) -> None:
    from mailscope.simulate.scale import stream_records

    if fmt not in FORMATS:
        raise UsageError(
            "--format is required in scale mode", hint=f"use one of {', '.join(FORMATS)}"
        )
    if records <= 0:
        raise UsageError("--records must be a positive number in scale mode")
    columns = (TextColumn("simulate"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("records", total=records)
        summary = stream_records(
            out, records, fmt, seed, progress=lambda done: progress.update(task, completed=done)
        )
    console.print(
        f"[green]wrote[/] {safe_text(summary.path)}: {summary.records:,} records "
        f"({summary.actor_records:,} actor)"
    )


def _campaign(out: Path, seed: int, orgs: int, users: int, days: int) -> None:
    from mailscope.simulate import SimConfig
    from mailscope.simulate.campaign import TRUTH_NAME, simulate_campaign

    if orgs < 2:
        raise UsageError("--campaign needs at least 2 organisations")
    SimConfig(out=out, users=users, days=days).validate()
    summaries = simulate_campaign(out, orgs, seed, users, days)
    for name, summary in summaries.items():
        console.print(
            f"  {safe_text(name)}: {summary.unique_audit_ids:,} audit records, "
            f"{summary.compromised_mailboxes} compromised mailbox(es)"
        )
    console.print(
        f"[green]wrote[/] {len(summaries)} organisations under {safe_text(out)}; "
        f"truth: {safe_text(out / TRUTH_NAME)}"
    )
