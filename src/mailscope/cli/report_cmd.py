"""``mailscope report``: render a case's report and exports into ``DIR/report/``."""

from __future__ import annotations

from pathlib import Path

import typer

from mailscope.cli.case_state import check_case, check_evidence
from mailscope.cli.console import console, safe_text
from mailscope.errors import UsageError
from mailscope.report.formats import FORMATS, REPORT_DIR


def register(app: typer.Typer) -> None:
    """Add the ``report`` command."""
    app.command("report")(report_command)


def parse_formats(text: str) -> tuple[str, ...]:
    """'html, csv' → ('html', 'csv'); unknown names are a usage error."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise UsageError(
            f"unknown report format(s): {', '.join(unknown) or '(none given)'}",
            hint=f"choose from {','.join(FORMATS)}",
        )
    return names


def report_command(
    case: Path = typer.Option(..., "--case", help="Case folder."),
    formats: str = typer.Option(
        ",".join(FORMATS), "--format", help=f"Comma-separated: {','.join(FORMATS)}."
    ),
) -> None:
    """Write report.html, findings/scope JSON, STIX, Timesketch timeline, CSV and Markdown."""
    from mailscope.stages import Options, report

    chosen = parse_formats(formats)
    check_case(case)
    check_evidence(case)
    written = report(case, Options(formats=chosen))
    print_summary(case, written)


def print_summary(case: Path, written: list[Path]) -> None:
    """The headline numbers and the files written, evidence text stripped of control codes."""
    from mailscope.report.scope_doc import load_scope

    scope = load_scope(case)
    if scope.present:
        line = (
            f"[bold]{scope.mailbox_total:,}[/] mailboxes, [bold]{scope.exposed_messages:,}[/] "
            f"messages exposed, [bold]{scope.us_ssn:,}[/] SSNs"
        )
        if scope.department_share:
            dept, share = scope.department_share[0]
            line += f"; {share * 100:.0f} % from {safe_text(dept)}"
        console.print(line)
    else:
        console.print("[yellow]scope.json not found[/]: report shows detection findings only")
    console.print(f"Wrote {len(written)} file(s) into {safe_text(case / REPORT_DIR)}:")
    for path in written:
        console.print(f"  {safe_text(path.name)}")
    html = [p for p in written if p.name == "report.html"]
    if html:
        console.print(f"Open: {safe_text(html[0].resolve())}")
