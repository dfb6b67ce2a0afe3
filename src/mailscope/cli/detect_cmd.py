"""``mailscope detect`` and ``mailscope rules list``: run detections, list them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import typer
from rich.table import Table

from mailscope.cli.case_state import check_evidence, warn_interrupted
from mailscope.cli.console import console, safe_text, show
from mailscope.cli.engine_options import (
    ENGINE_OPTION,
    SPARK_CONF_OPTION,
    SPARK_MASTER_OPTION,
    engine_options,
)
from mailscope.errors import UsageError

if TYPE_CHECKING:
    from mailscope.detect.engine import DetectRun
    from mailscope.detect.registry import Registry

rules_app = typer.Typer(help="Inspect the detections mailscope runs.", no_args_is_help=True)

_STATUS_STYLE = {"ran": "green", "skipped": "yellow", "error": "bold red"}
_SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
_SHOWN_FINDINGS = 50


def register(app: typer.Typer) -> None:
    """Add the ``detect`` command and the ``rules`` command group."""
    app.command("detect")(detect_command)
    app.add_typer(rules_app, name="rules")


def detect_command(
    case: Path = typer.Option(..., "--case", help="Case folder."),
    rules: list[Path] = typer.Option([], "--rules", help="Folder of user rules (.py/.yml/.sql)."),
    sigma: list[Path] = typer.Option([], "--sigma", help="Sigma rule file or folder."),
    intel: list[Path] = typer.Option([], "--intel", help="IOC file (STIX 2.1 bundle, CSV, TXT)."),
    baseline_until: str | None = typer.Option(
        None, "--baseline-until", help="End of the learning window (ISO date, UTC)."
    ),
    engine: str = ENGINE_OPTION,
    spark_master: str | None = SPARK_MASTER_OPTION,
    spark_conf: list[str] = SPARK_CONF_OPTION,
) -> None:
    """Run every enabled detection over the case and write its findings."""
    from mailscope.model.finding import SEVERITY_ORDER
    from mailscope.stages import Options, detect

    until = _parse_date(baseline_until) if baseline_until else None
    check_evidence(case)
    options = Options(
        rules=tuple(rules),
        sigma=tuple(sigma),
        intel=tuple(intel),
        baseline_until=until,
        **engine_options(engine, spark_master, spark_conf),
        on_interrupted=warn_interrupted,
    )
    run = detect(case, options)
    show(_runs_table(run))
    show(_findings_table(run))
    counts = {s: 0 for s in SEVERITY_ORDER}
    for finding in run.findings:
        counts[finding.severity] += 1
    summary = ", ".join(f"{n} {s}" for s, n in reversed(counts.items()) if n)
    console.print(f"{len(run.findings)} finding(s){': ' + summary if summary else ''}")
    if run.baseline_until is not None:
        console.print(f"baseline learned until {run.baseline_until.isoformat()} (UTC)")


@rules_app.command("list")
def rules_list_command(
    rules: list[Path] = typer.Option([], "--rules", help="Also list the rules in this folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the detections: id, severity, ATT&CK ids, title, needed log sources."""
    registry = _listing_registry(rules)
    if as_json:
        document = [
            {
                "id": d.id,
                "title": d.title,
                "severity": d.severity,
                "attack_ids": list(d.attack_ids),
                "requires": list(d.requires),
                "description": d.description,
                "runbook": d.runbook,
                "source": d.source,
                "enabled": d.enabled,
            }
            for d in registry
        ]
        typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(title=f"{len(registry)} detections")
    for name in ("id", "severity", "ATT&CK", "title", "needs"):
        table.add_column(name)
    for d in registry:
        table.add_row(
            safe_text(d.id),
            f"[{_SEVERITY_STYLE[d.severity]}]{d.severity}[/]",
            safe_text(", ".join(d.attack_ids)),
            safe_text(d.title),
            safe_text(", ".join(d.requires)),
        )
    show(table)


def _listing_registry(rules: list[Path]) -> Registry:
    from mailscope.detect.registry import builtin_registry
    from mailscope.detect.user_rules import load_user_rules

    registry = builtin_registry()
    for directory in rules:
        registry.extend(load_user_rules(directory))
    from mailscope.detect.ioc_hunt import ioc_detections

    registry.extend(ioc_detections([]))
    return registry


def _runs_table(run: DetectRun) -> Table:
    table = Table(title="Rule runs")
    for name, justify in (
        ("rule", "left"),
        ("status", "left"),
        ("findings", "right"),
        ("seconds", "right"),
        ("reason", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for rule in run.runs:
        table.add_row(
            safe_text(rule.rule_id),
            f"[{_STATUS_STYLE.get(rule.status, '')}]{rule.status}[/]",
            f"{rule.findings:,}",
            f"{rule.seconds:.2f}",
            safe_text(rule.reason),
        )
    return table


def _findings_table(run: DetectRun) -> Table:
    shown = run.findings[:_SHOWN_FINDINGS]
    more = len(run.findings) - len(shown)
    title = "Findings" + (f" (first {len(shown)}; {more} more in the case store)" if more else "")
    table = Table(title=title)
    for name in ("severity", "rule", "conf.", "first seen", "explanation"):
        table.add_column(name)
    for finding in shown:
        table.add_row(
            f"[{_SEVERITY_STYLE[finding.severity]}]{finding.severity}[/]",
            safe_text(finding.rule_id),
            f"{finding.confidence:.2f}",
            finding.first_seen.isoformat(sep=" ") if finding.first_seen else "",
            safe_text(finding.explanation),
        )
    return table


def _parse_date(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise UsageError(
            f"--baseline-until {value!r} is not an ISO date",
            hint="e.g. 2023-05-22 or 2023-05-22T00:00",
        ) from error
    if parsed.tzinfo is not None:
        from datetime import UTC

        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
