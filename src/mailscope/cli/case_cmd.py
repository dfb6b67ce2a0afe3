"""``mailscope case info``: what a case holds — evidence, counts, quarantine."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from mailscope.cli.case_state import check_case
from mailscope.cli.console import console, safe_text, show
from mailscope.cli.ingest_cmd import print_skipped, summary_table
from mailscope.ingest.manifest import manifest
from mailscope.ingest.pipeline import FileResult
from mailscope.store.case import open_case
from mailscope.store.writer import EVIDENCE_TABLES

case_app = typer.Typer(help="Inspect a case folder.", no_args_is_help=True)

TABLES = (*EVIDENCE_TABLES, "quarantine", "findings")


def register(app: typer.Typer) -> None:
    """Add the ``case`` command group."""
    app.add_typer(case_app, name="case")


@case_app.command("info")
def info_command(
    case: Path = typer.Option(..., "--case", help="Case folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Print the ingest summary of a case: files, formats, counts, skipped and quarantine
    reasons."""
    found = check_case(case)
    connection = open_case(case, read_only=True)
    try:
        document = manifest(connection)
        tables = {
            name: int(connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # type: ignore[index]
            for name in TABLES
        }
        reasons = connection.execute(
            "SELECT source_path, source_line, reason FROM quarantine "
            "ORDER BY source_path, source_line LIMIT 50"
        ).fetchall()
    finally:
        connection.close()
    if as_json:
        document["tables"] = tables
        document["interrupted_runs"] = [
            {"run": i.run, "command": i.command, "message": i.message} for i in found
        ]
        document["quarantine_sample"] = [
            {"path": path, "line": line, "reason": reason} for path, line, reason in reasons
        ]
        typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
        return
    files = [_as_result(entry) for entry in document["files"]]  # type: ignore[attr-defined]
    show(summary_table(files, title=f"Case {safe_text(case)}"))
    print_skipped(files)
    console.print("Rows: " + ", ".join(f"{name} {count:,}" for name, count in tables.items()))
    for path, line, reason in reasons:
        console.print(f"[yellow]quarantined[/] {safe_text(path)}:{line}: {safe_text(reason)}")


def _as_result(entry: dict[str, object]) -> FileResult:
    reasons = entry.get("skipped_reasons")
    return FileResult(
        path=str(entry["path"]),
        sha256=str(entry["sha256"]),
        bytes=int(entry["bytes"]),  # type: ignore[call-overload]
        format=str(entry["format"]),
        records=int(entry["records"]),  # type: ignore[call-overload]
        quarantined=int(entry["quarantined"]),  # type: ignore[call-overload]
        duplicates=int(entry["duplicates"]),  # type: ignore[call-overload]
        skipped=int(entry.get("skipped") or 0),  # type: ignore[call-overload]
        skipped_reasons=dict(reasons) if isinstance(reasons, dict) else {},
    )
