"""``mailscope campaign``: one actor across several organisations' cases and bundles."""

from __future__ import annotations

from pathlib import Path

import typer

from mailscope.cli.console import console, safe_text


def register(app: typer.Typer) -> None:
    """Add the ``campaign`` command."""
    app.command("campaign")(campaign_command)


def campaign_command(
    cases: list[Path] = typer.Argument(
        None, help="Case folders, one per organisation ('mailscope investigate --case')."
    ),
    out: Path = typer.Option(..., "--out", help="Folder to write the campaign view into."),
    indicators: list[Path] = typer.Option(
        [],
        "--indicators",
        help="The iocs.stix.json of an organisation that shares no case (repeatable).",
    ),
) -> None:
    """Link organisations hit by the same actor: campaign.json, campaign.html and
    campaign.stix.json. Only evidence the actor leaves links them (its addresses, apps,
    rare client strings, forged tokens), never Microsoft's or what ordinary users share."""
    from rich.table import Table

    from mailscope.campaign.run import run_campaign

    campaign, written = run_campaign(list(cases or []), list(indicators), out)
    table = Table(title="Organisations", expand=False)
    for name in ("organisation", "status", "mailboxes", "linked to"):
        table.add_column(name, overflow="fold")
    for view in campaign.views:
        links = ", ".join(
            f"{other} ({link.strength})" for other, link in campaign.links_of(view.name)
        )
        table.add_row(
            safe_text(view.name),
            campaign.status[view.name],
            str(len(view.mailboxes)),
            safe_text(links),
        )
    console.print(table)
    members = [campaign.view(n) for n in campaign.members]
    console.print(
        f"[bold]{len(members)} organisation(s) hit[/], "
        f"{sum(len(v.mailboxes) for v in members)} mailbox(es), "
        f"{sum(v.exposed_messages for v in members):,} message(s) read"
    )
    for path in written:
        console.print(f"  {safe_text(path)}")
