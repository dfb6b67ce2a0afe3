"""``report.html``: one self-contained page (inline CSS, JS and SVG; no network at all).

Numbers first for a CISO (headline, key figures, timeline), then the detail an analyst
works from (findings, infrastructure, mailboxes, messages, people, blind spots, evidence,
method). Jinja2 autoescapes every value; evidence never goes into URLs or script code,
only into text nodes and a JSON data block. The generation time is on exactly one line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from mailscope.intel.attack import technique_name
from mailscope.model.finding import SEVERITY_ORDER
from mailscope.report import html_tables
from mailscope.report.activity import span_label
from mailscope.report.charts import Bar, Chart, hbar_chart, timeline_chart
from mailscope.report.incidents import Incident, build_incidents
from mailscope.report.report_data import FindingRecord, ReportData
from mailscope.report.visible import one_line, visible
from mailscope.version import __version__

REPORT_NAME = "report.html"
ENTITY_LIMIT = 12
# Critical and high findings are shown open; the rest fold under one summary line.
MAJOR = SEVERITY_ORDER["high"]
# Forbids every network fetch: no default sources, inline style/script only, data: images.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True, slots=True)
class Headline:
    mailboxes: int
    exposed: int
    us_ssn: int
    itinerary: int
    marked: int
    first_access: str
    last_access: str
    top_department: str
    top_share: float


@dataclass(frozen=True, slots=True)
class EntityList:
    name: str
    shown: tuple[str, ...]
    more: int


@dataclass(frozen=True, slots=True)
class FindingView:
    record: FindingRecord
    entities: tuple[EntityList, ...]
    window: str


@dataclass(frozen=True, slots=True)
class Checked:
    """What a clean verdict rests on: detections run, records and files read."""

    ran: int
    skipped: int
    records: int
    files: int


def checked(data: ReportData) -> Checked:
    return Checked(
        sum(r.status == "ran" for r in data.rule_runs),
        sum(r.status == "skipped" for r in data.rule_runs),
        sum(e.records for e in data.evidence),
        len(data.evidence),
    )


@dataclass(frozen=True, slots=True)
class IncidentView:
    incident: Incident
    findings: tuple[FindingView, ...]
    window: str

    @property
    def major(self) -> bool:
        """Shown open: the actor's incident and anything high or critical."""
        return self.incident.actor or SEVERITY_ORDER.get(self.incident.severity, 0) >= MAJOR


def headline(data: ReportData) -> Headline:
    """The figures of the first sentence, straight from scope.json."""
    scope = data.scope
    top, share = scope.department_share[0] if scope.department_share else ("", 0.0)
    return Headline(
        scope.mailbox_total,
        scope.exposed_messages,
        scope.us_ssn,
        scope.itinerary_messages,
        scope.marked_messages,
        scope.first_access,
        scope.last_access,
        top,
        share,
    )


def _entities(finding: FindingRecord) -> tuple[EntityList, ...]:
    groups = (
        ("Mailboxes", finding.mailboxes),
        ("Users", finding.users),
        ("Apps", finding.apps),
        ("IPs", finding.ips),
        ("Sessions", finding.sessions),
        ("Tokens", finding.tokens),
    )
    return tuple(
        EntityList(
            name,
            tuple(one_line(v) for v in values[:ENTITY_LIMIT]),
            max(len(values) - ENTITY_LIMIT, 0),
        )
        for name, values in groups
        if values
    )


def _window(first_seen: datetime | None, last_seen: datetime | None) -> str:
    first, last = html_tables.when(first_seen), html_tables.when(last_seen)
    window = first if not last or last == first else f"{first} – {last}"
    return f"{window} UTC" if window else ""


def finding_view(finding: FindingRecord) -> FindingView:
    return FindingView(finding, _entities(finding), _window(finding.first_seen, finding.last_seen))


def incident_views(data: ReportData) -> tuple[IncidentView, ...]:
    """Each incident with its findings in time order."""
    return tuple(
        IncidentView(
            incident,
            tuple(finding_view(f) for f in incident.findings),
            _window(incident.first_seen, incident.last_seen),
        )
        for incident in build_incidents(data)
    )


def severity_counts(data: ReportData) -> tuple[tuple[str, int], ...]:
    """(severity, count), most severe first, only severities that occur."""
    counts = Counter(f.severity for f in data.findings)
    order = sorted(counts, key=lambda s: (-SEVERITY_ORDER.get(s, 0), s))
    return tuple((s, counts[s]) for s in order)


def department_chart(data: ReportData) -> Chart:
    exposed: Counter[str] = Counter()
    for box in data.scope.mailboxes:
        exposed[box.department] += box.exposed
    bars = [
        Bar(
            one_line(dept) or "(no department)",
            ((share, "dept", f"{share:.1%}"),),
            f"{share * 100:.0f} % · {exposed.get(dept, 0):,}",
        )
        for dept, share in data.scope.department_share
    ]
    return hbar_chart("departments", bars, "Share of exposed messages by department.")


def mailbox_chart(data: ReportData) -> Chart:
    bars = []
    for box in data.scope.mailboxes:
        parts = (("bind", box.bind), ("sync", box.sync), ("throttled", box.throttled))
        scale = box.exposed / (sum(n for _, n in parts) or 1)
        segments = tuple((n * scale, kind, f"{kind} {n:,}") for kind, n in parts if n)
        if not segments:
            segments = ((float(box.exposed), "bind", f"{box.exposed:,} exposed"),)
        bars.append(Bar(one_line(box.upn), segments, f"{box.exposed:,}"))
    return hbar_chart("mailboxes", bars, "Exposed messages per mailbox, by exposure basis.")


def asset(name: str) -> Markup:
    """A packaged report asset (CSS, JS), inlined into the page."""
    text = files("mailscope.report").joinpath("assets", name).read_text("utf-8")
    return Markup(text)  # our own packaged CSS/JS, not evidence


@cache
def environment(package: str = "mailscope.report") -> Environment:
    """The Jinja2 environment of a package's ``templates/``: autoescaping everything, with
    the filters that make evidence strings visible and numbers readable."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["vis"] = visible
    env.filters["line"] = one_line
    env.filters["num"] = lambda n: f"{n:,}"
    env.filters["when"] = html_tables.when
    env.filters["iso_display"] = html_tables.iso_display
    env.filters["technique"] = lambda t: technique_name(t) or ""
    return env


def render_html(data: ReportData, generated_at: datetime) -> str:
    """The page as a string; ``generated_at`` appears on one line only."""
    template = environment().get_template("report.html.j2")
    incidents = incident_views(data)
    return template.render(
        data=data,
        csp=CSP,
        version=__version__,
        generated_at=f"{generated_at:%Y-%m-%d %H:%M:%S} UTC",
        head=headline(data),
        severities=severity_counts(data),
        incidents=incidents,
        checked=checked(data),
        major_incidents=tuple(i for i in incidents if i.major),
        minor_incidents=tuple(i for i in incidents if not i.major),
        timeline=timeline_chart(data.activity, data.blind_spots),
        timeline_span=span_label(data.activity.buckets),
        departments=department_chart(data),
        mailbox_bars=mailbox_chart(data),
        t_mailboxes=html_tables.mailbox_table(data),
        t_suspected=html_tables.suspected_table(data),
        t_exposed=html_tables.exposed_table(data),
        t_people=html_tables.people_table(data),
        t_actor=html_tables.actor_table(data),
        t_evidence=html_tables.evidence_table(data),
        t_blind=html_tables.blind_spot_table(data),
        t_coverage=html_tables.coverage_table(data),
        t_rules=html_tables.rule_run_table(data),
        t_quarantine=html_tables.quarantine_table(data),
        quarantined=sum(q.records for q in data.quarantine),
        skipped=sum(e.skipped for e in data.evidence),
        style=asset("report.css"),
        script=asset("report.js"),
    )


def write_html(data: ReportData, out: Path, generated_at: datetime) -> Path:
    path = out / REPORT_NAME
    path.write_text(render_html(data, generated_at), encoding="utf-8")
    return path
