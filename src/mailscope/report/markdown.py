"""``summary.md``: a short summary to paste into a ticket.

Evidence text is escaped for Markdown (no links, emphasis, tables or HTML can be formed
from it) and its control characters are made visible.
"""

from __future__ import annotations

import re
from pathlib import Path

from mailscope.report.html_tables import ACTOR_KIND_NAMES, iso_display
from mailscope.report.report_data import ReportData, iso
from mailscope.report.visible import one_line

SUMMARY_NAME = "summary.md"
TOP_FINDINGS = 10
TOP_MAILBOXES = 10
# Evidence always sits mid-line here, so only inline syntax needs escaping: emphasis, code,
# links/images ([ ]), raw HTML and entities (< > &), tables (|), strikethrough (~).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&])")
# GitHub-flavoured Markdown turns bare URLs into links; break the patterns it looks for.
_AUTOLINK = re.compile(r"(?i)(://|www\.)")


def md(value: object) -> str:
    """One line of evidence text, inert in Markdown (and in HTML renderings of it)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(value))
    return _AUTOLINK.sub(lambda m: m.group().replace("/", "\\/").replace(".", "\\."), escaped)


def _headline(data: ReportData) -> list[str]:
    scope = data.scope
    if not scope.present:
        return ["Scope not computed yet (run `mailscope scope`); findings only."]
    lines = [
        f"- **{scope.mailbox_total:,}** mailboxes compromised; **{scope.exposed_messages:,}** "
        f"messages exposed between {md(iso_display(scope.first_access))} and "
        f"{md(iso_display(scope.last_access))} UTC",
        f"- **{scope.us_ssn:,}** SSNs, **{scope.itinerary_messages:,}** travel itineraries, "
        f"**{scope.marked_messages:,}** marked messages exposed",
    ]
    if scope.department_share:
        dept, share = scope.department_share[0]
        lines.append(f"- {share * 100:.0f} % of exposed mail belongs to {md(dept)}")
    return lines


def render_markdown(data: ReportData) -> str:
    """The summary as Markdown text."""
    lines = [f"# mailscope summary: case {md(data.case_name)}", ""]
    if data.empty is not None:
        headline, advice, *files = data.empty.lines()
        lines += [f"> **WARNING: {md(headline)}** {md(advice)}", *(f"> - {md(f)}" for f in files)]
        lines.append("")
    for sentence in data.interrupted:
        lines += [f"> **INTERRUPTED RUN:** {md(sentence)}", ""]
    lines += [*_headline(data), ""]
    lines += ["## Findings", ""]
    if not data.findings:
        lines.append("No findings.")
    for f in data.findings[:TOP_FINDINGS]:
        attack = f" ({', '.join(md(t) for t in f.attack_ids)})" if f.attack_ids else ""
        lines.append(
            f"- **{f.severity.upper()}** {md(f.title)}{attack}, since {md(iso(f.first_seen))}"
        )
    if len(data.findings) > TOP_FINDINGS:
        lines.append(f"- … and {len(data.findings) - TOP_FINDINGS:,} more in findings.jsonl")
    lines += ["", "## Compromised mailboxes", ""]
    lines += [
        f"- {md(b.upn)} ({md(b.department) or 'no department'}): {b.exposed:,} messages"
        for b in data.scope.mailboxes[:TOP_MAILBOXES]
    ] or ["None identified."]
    if len(data.scope.mailboxes) > TOP_MAILBOXES:
        lines.append(f"- … and {len(data.scope.mailboxes) - TOP_MAILBOXES:,} more in mailboxes.csv")
    lines += ["", "## Actor infrastructure", ""]
    lines += [
        f"- {ACTOR_KIND_NAMES.get(a.kind, md(a.kind))}: {md(a.value)}" for a in data.actor[:20]
    ] or ["None identified."]
    lines += ["", "## Blind spots", ""]
    lines += [
        f"- {md(b.kind.replace('_', ' '))}: {md(b.subject)}: {md(b.detail)}" for b in data.gaps
    ] or ["None recorded."]
    lines += ["", "## Evidence", ""]
    if data.manifest_sha256:
        lines.append(
            f"- SHA-256 of the case's manifest.json: `{data.manifest_sha256}` "
            "(check the evidence files with `mailscope case verify`)"
        )
    else:
        lines.append("- The case has no manifest.json yet: run `mailscope ingest`.")
    lines += ["", "Full report: report.html (self-contained; open from disk).", ""]
    return "\n".join(lines)


def write_markdown(data: ReportData, out: Path) -> Path:
    path = out / SUMMARY_NAME
    path.write_text(render_markdown(data), encoding="utf-8")
    return path
