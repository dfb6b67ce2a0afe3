"""Render a case into ``DIR/report/``: the one entry point the CLI and ``investigate`` call."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from mailscope.errors import UsageError
from mailscope.report.csv_out import write_csvs
from mailscope.report.formats import FORMATS, REPORT_DIR
from mailscope.report.html import write_html
from mailscope.report.json_out import write_json
from mailscope.report.load_data import load_report_data
from mailscope.report.markdown import write_markdown
from mailscope.report.report_data import ReportData
from mailscope.report.stix_out import write_stix
from mailscope.report.timeline import write_timeline
from mailscope.store.case import open_case

Renderer = Callable[[ReportData, Path], list[Path]]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def report_case(
    case_dir: Path,
    formats: Sequence[str] = FORMATS,
    *,
    generated_at: datetime | None = None,
) -> list[Path]:
    """Write the requested formats into ``case_dir/report/``; return the files written.

    ``generated_at`` (default: now) only appears on one line of report.html; every other
    output depends on the case alone, so re-rendering gives byte-identical files.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UsageError(
            f"unknown report format(s): {', '.join(unknown)}",
            hint=f"choose from {', '.join(FORMATS)}",
        )
    stamp = generated_at or _now()
    renderers: dict[str, Renderer] = {
        "html": lambda data, out: [write_html(data, out, stamp)],
        "json": write_json,
        "stix": lambda data, out: [write_stix(data, out)],
        "timeline": lambda data, out: [write_timeline(data, out, case_dir)],
        "csv": write_csvs,
        "md": lambda data, out: [write_markdown(data, out)],
    }
    out = case_dir / REPORT_DIR
    connection = open_case(case_dir, read_only=True)
    try:
        data = load_report_data(case_dir, connection)
    finally:
        connection.close()
    staging = case_dir / f".{REPORT_DIR}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    written: list[Path] = []
    for name in FORMATS:
        if name in formats:
            written += renderers[name](data, staging)
    out.mkdir(exist_ok=True)
    final = []
    for path in written:
        target = out / path.name
        path.replace(target)
        final.append(target)
    shutil.rmtree(staging, ignore_errors=True)
    return final
