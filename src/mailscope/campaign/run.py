"""``mailscope campaign``: read each organisation's case or bundle, assess, write the three
outputs (``campaign.json``, ``campaign.html``, ``campaign.stix.json``)."""

from __future__ import annotations

from pathlib import Path

from mailscope.campaign.assess import Campaign, Found, assess
from mailscope.campaign.bundle import read_bundle
from mailscope.campaign.case import hunt, read_case
from mailscope.campaign.document import build_document, write_document
from mailscope.campaign.html import write_html
from mailscope.campaign.stix import write_stix
from mailscope.campaign.views import OrgView
from mailscope.errors import UsageError
from mailscope.store.case import store_path


def read_inputs(cases: list[Path], bundles: list[Path]) -> list[OrgView]:
    """One view per case folder and per indicator bundle."""
    views = []
    for case_dir in cases:
        if not store_path(case_dir).exists():
            raise UsageError(
                f"{case_dir} is not a case folder (no case store in it)",
                hint="pass folders 'mailscope investigate --case' wrote, or --indicators FILE",
            )
        views.append(read_case(case_dir))
    views += [read_bundle(path) for path in bundles]
    if len(views) < 2:
        raise UsageError("a campaign compares at least two organisations")
    return views


def _hunter(view: OrgView, values: dict[str, list[str]]) -> tuple[Found, ...]:
    """Retro-hunt the campaign's values in a case (bundles have no records to search)."""
    if view.source_kind != "case":
        return ()
    return hunt(Path(view.source), values)


def run_campaign(cases: list[Path], bundles: list[Path], out: Path) -> tuple[Campaign, list[Path]]:
    """Assess the organisations and write the outputs into ``out``."""
    campaign = assess(read_inputs(cases, bundles), _hunter)
    out.mkdir(parents=True, exist_ok=True)
    document = build_document(campaign)
    written = [write_document(document, out), write_html(document, out), write_stix(campaign, out)]
    return campaign, written
