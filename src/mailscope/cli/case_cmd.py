"""``mailscope case info``: what a case holds — evidence, counts, quarantine; ``mailscope
case verify``: whether its evidence files are still the bytes that were ingested."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from mailscope.cli.case_state import check_case
from mailscope.cli.console import console, safe_text, show
from mailscope.cli.ingest_cmd import print_locations, print_skipped, summary_table
from mailscope.errors import EvidenceChangedError
from mailscope.ingest.results import FileResult

case_app = typer.Typer(help="Inspect a case folder.", no_args_is_help=True)


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
    from mailscope.ingest.manifest import manifest
    from mailscope.store.case import open_case

    found = check_case(case)
    connection = open_case(case, read_only=True)
    try:
        document = manifest(connection)
        tables = {
            name: int(connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # type: ignore[index]
            for name in counted_tables()
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
    print_locations(other_locations(document))
    console.print("Rows: " + ", ".join(f"{name} {count:,}" for name, count in tables.items()))
    for path, line, reason in reasons:
        console.print(f"[yellow]quarantined[/] {safe_text(path)}:{line}: {safe_text(reason)}")


def counted_tables() -> tuple[str, ...]:
    """The tables whose row counts ``case info`` prints: evidence, quarantine, findings."""
    from mailscope.store.case import EVIDENCE_TABLES

    return (*EVIDENCE_TABLES, "quarantine", "findings")


def other_locations(document: dict[str, object]) -> list[tuple[str, str]]:
    """(path, what) for each location that is not the path of its evidence entry."""
    entries = document["files"]
    first: dict[str, str] = {}
    listed = set()
    for entry in entries:  # type: ignore[attr-defined]
        first.setdefault(str(entry["sha256"]), str(entry["path"]))
        listed.add((str(entry["sha256"]), str(entry["path"])))
    found = []
    for loc in document["locations"]:  # type: ignore[attr-defined]
        sha, path = str(loc["sha256"]), str(loc["path"])
        if (sha, path) not in listed and sha in first:
            found.append((path, f"same content (SHA-256) as {first[sha]}"))
    return found


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


@case_app.command("verify")
def verify_command(
    case: Path = typer.Option(..., "--case", help="Case folder."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
) -> None:
    """Re-hash every evidence file of the case (size, SHA-256; each member of a zip) and
    compare with what ingest recorded: one line per file; exit 8 if any changed or is gone."""
    from mailscope.ingest.manifest import manifest_sha256
    from mailscope.store.case import open_case
    from mailscope.store.locations import recorded_locations
    from mailscope.store.verify import CHANGED, MISSING, OK, REPLACED, verify

    check_case(case)
    connection = open_case(case, read_only=True)
    try:
        locations = recorded_locations(connection)
    finally:
        connection.close()
    verdicts = list(verify(locations))
    manifest_sha = manifest_sha256(case)
    failed = [v for v in verdicts if v.failed]
    if as_json:
        document = {
            "case": str(case),
            "manifest_sha256": manifest_sha,
            "files": [
                {
                    "path": v.location.path,
                    "state": v.state,
                    "detail": v.detail,
                    "recorded": {"sha256": v.location.sha256, "bytes": v.location.bytes},
                    "found": {"sha256": v.sha256 or None, "bytes": v.bytes},
                }
                for v in verdicts
            ],
            "ok": not failed,
        }
        typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    else:
        style = {OK: "green", REPLACED: "cyan", CHANGED: "bold red", MISSING: "bold red"}
        for verdict in verdicts:
            console.print(
                f"[{style[verdict.state]}]{verdict.state}[/] "
                f"{safe_text(verdict.line().removeprefix(verdict.state + ' '))}",
                soft_wrap=True,
            )
        console.print(f"manifest.json SHA-256: {manifest_sha or '(no manifest.json)'}")
    if failed:
        changed = sum(v.state == CHANGED for v in failed)
        raise EvidenceChangedError(
            f"{len(failed):,} of {len(verdicts):,} evidence file(s) of case {case} differ from "
            f"what was ingested ({changed:,} changed, {len(failed) - changed:,} missing)",
            hint="restore the original files, or ingest changed ones again with "
            "--accept-changed to add them as new evidence",
        )
    if not as_json:
        console.print(f"all {len(verdicts):,} evidence file(s) match what was ingested")
