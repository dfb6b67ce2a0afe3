"""``campaign.html``: one self-contained page rendered from ``campaign.json`` itself.

Totals first; then who was hit (status, technique, mailboxes), the organisations x
indicators matrix, a timeline per organisation, the evidence behind each link, the
infrastructure that did not link and why, and what could not be compared. Inline CSS and
SVG only, no script; Jinja2 autoescapes every value, which all come from evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mailscope.report.html import CSP, asset, environment
from mailscope.version import __version__

HTML_FILE = "campaign.html"
MATRIX_COLUMNS = 40  # indicators shown as matrix columns (the most shared first)
# Blind spots about one tenant's own rules and baselines: counted on the page, not listed.
TENANT_ONLY = ("rule_skipped:", "no_baseline:")


@dataclass(frozen=True, slots=True)
class Lane:
    """One organisation's row of the timeline: bar and mailbox ticks as % of the period."""

    name: str
    status: str
    start: float
    width: float
    ticks: tuple[tuple[float, str], ...]
    label: str


def _moment(text: str) -> datetime | None:
    return datetime.fromisoformat(text.removesuffix("Z")) if text else None


def lanes(document: dict[str, Any]) -> tuple[list[Lane], str, str]:
    """Timeline rows of the organisations with an intrusion, and the period's ends."""
    rows = [o for o in document["organisations"] if o["first_seen"] and o["status"] != "not_hit"]
    starts = [_moment(o["first_seen"]) for o in rows]
    ends = [_moment(o["last_seen"] or o["first_seen"]) for o in rows]
    known = [t for t in (*starts, *ends) if t is not None]
    if not known:
        return [], "", ""
    low, high = min(known), max(known)
    span = max((high - low).total_seconds(), 1.0)

    def at(moment: datetime | None) -> float:
        return 0.0 if moment is None else round(100 * (moment - low).total_seconds() / span, 2)

    out = []
    for org, start, end in zip(rows, starts, ends, strict=True):
        ticks = tuple(
            (at(_moment(m["first_access"])), f"{m['upn']} first read {m['first_access']}")
            for m in org["mailboxes"]
            if m["first_access"]
        )
        left = at(start)
        out.append(
            Lane(
                org["name"],
                org["status"],
                left,
                max(0.6, at(end) - left),
                ticks,
                f"{org['first_seen'][:10]} to {(org['last_seen'] or org['first_seen'])[:10]}",
            )
        )
    return (
        sorted(out, key=lambda lane: (lane.start, lane.name)),
        f"{low:%Y-%m-%d}",
        f"{high:%Y-%m-%d}",
    )


def matrix(document: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Indicator columns (shared by two or more first) and the organisation rows."""
    columns = [s for s in document["shared_infrastructure"] if len(s["organisations"]) > 1]
    columns += [s for s in document["shared_infrastructure"] if len(s["organisations"]) == 1]
    rows = [
        o["name"] for o in document["organisations"] if o["status"] != "not_hit" and o["mailboxes"]
    ]
    return columns[:MATRIX_COLUMNS], rows


def render_html(document: dict[str, Any]) -> str:
    template = environment("mailscope.campaign").get_template("campaign.html.j2")
    timeline, period_start, period_end = lanes(document)
    columns, rows = matrix(document)
    cells = {
        (org["name"], column["kind"], column["value"]): org
        for column in columns
        for org in column["organisations"]
    }
    return template.render(
        doc=document,
        csp=CSP,
        version=__version__,
        lanes=timeline,
        period_start=period_start,
        period_end=period_end,
        columns=columns,
        hidden_columns=max(0, len(document["shared_infrastructure"]) - len(columns)),
        rows=rows,
        cells=cells,
        comparable={
            o["name"]: [b for b in o["blind_spots"] if not b.startswith(TENANT_ONLY)]
            for o in document["organisations"]
        },
        style=asset("report.css"),
    )


def write_html(document: dict[str, Any], out: Path) -> Path:
    path = out / HTML_FILE
    path.write_text(render_html(document), encoding="utf-8")
    return path
