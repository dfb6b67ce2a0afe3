"""Headless Chromium opens report.html from disk: offline, inert, numbers right, usable.

Run with ``make test-browser`` (Playwright driving Debian's /usr/bin/chromium; never
``playwright install``). Uses a 10 K-message hostile case, so it also checks that the page
stays fast: the tables paginate and filter in the browser.
"""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from mailscope.report.render import report_case
from tests.report.build_case import build_case
from tests.report.tenant import HOSTILE_SUBJECTS

pytestmark = pytest.mark.browser

SCREENSHOT_COPY = Path("/tmp/report-screenshot.png")


@pytest.fixture(scope="module")
def big_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = tmp_path_factory.mktemp("browser") / "case-storm"
    build_case(case, messages_per_mailbox=2500)
    report_case(case, ("html", "json", "csv"))
    return case


@pytest.fixture()
def page(browser: Any, big_case: Path) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    """The report loaded from disk; every request, dialog and error recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    seen: dict[str, list[str]] = {"requests": [], "dialogs": [], "errors": []}
    url = (big_case / "report" / "report.html").resolve().as_uri()

    def guard(route: Any) -> None:
        if route.request.url == url or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.on("request", lambda request: seen["requests"].append(request.url))
    tab.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: seen["errors"].append(str(error)))
    tab.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    started = time.perf_counter()
    tab.goto(url)
    tab.wait_for_selector('[data-table="exposed"][data-ready="1"]')
    seen["load_seconds"] = [f"{time.perf_counter() - started:.3f}"]
    yield tab, seen
    context.close()


def test_no_request_leaves_the_page_and_nothing_executes(page: Any, big_case: Path) -> None:
    tab, seen = page
    tab.wait_for_timeout(300)
    url = (big_case / "report" / "report.html").resolve().as_uri()
    assert all(r == url or r.startswith("data:") for r in seen["requests"]), seen["requests"]
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert tab.locator("img, iframe, object, embed, a[href^='javascript']").count() == 0
    assert float(seen["load_seconds"][0]) < 10


def test_headline_numbers_equal_scope_json(page: Any, big_case: Path) -> None:
    tab, _ = page
    scope = orjson.loads((big_case / "scope.json").read_bytes())
    totals = scope["totals"]
    for key in ("mailboxes", "exposed_messages", "us_ssn"):
        shown = tab.locator(f".headline [data-metric='{key}']").inner_text()
        assert int(shown.replace(",", "")) == totals[key], key
        card = tab.locator(f".kpi [data-metric='{key}']").inner_text()
        assert int(card.replace(",", "")) == totals[key], key
    share = max(totals["department_share"].values())
    shown_share = tab.locator("[data-metric='top_department_share']").inner_text()
    assert shown_share == f"{share * 100:.0f} %"


def test_charts_render(page: Any) -> None:
    tab, _ = page
    for selector in ("svg.svg-timeline rect.actor", "svg.svg-timeline rect.normal",
                     "svg.svg-departments rect.dept", "svg.svg-mailboxes rect.bind"):  # fmt: skip
        bars = tab.locator(selector)
        assert bars.count() > 0, selector
        box = bars.first.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, selector


def _column(tab: Any, table: str, index: int) -> list[str]:
    cells = tab.locator(f'[data-table="{table}"] tbody tr td:nth-child({index})')
    return [str(text) for text in cells.all_inner_texts()]


def test_sort_filter_and_paginate_10k_rows(page: Any, big_case: Path) -> None:
    tab, _ = page
    block = tab.locator('[data-table="exposed"]')
    assert block.locator("tbody tr").count() == 25
    block.locator("th", has_text="Date").click()
    dates = _column(tab, "exposed", 2)
    assert dates == sorted(dates)
    block.locator("th", has_text="Date").click()
    assert _column(tab, "exposed", 2) == sorted(_column(tab, "exposed", 2), reverse=True)
    block.locator(".pager .next").click()
    assert "rows 26–50 of 10,000" in block.locator(".pager .page").inner_text()

    with (big_case / "report" / "exposed_messages.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    expected = sum(1 for r in rows if "javascript:" in r["subject"].lower())
    started = time.perf_counter()
    block.locator("input.filter").fill("javascript:")
    block.locator(".status", has_text=" of ").wait_for()
    assert time.perf_counter() - started < 3
    assert block.locator(".status").inner_text() == f"{expected:,} of 10,000 rows"
    subjects = _column(tab, "exposed", 5)
    assert subjects and all(s == HOSTILE_SUBJECTS[1] for s in subjects)

    message_id = rows[123]["message_id"]
    block.locator("input.filter").fill(message_id)
    block.locator(".status", has_text="1 of 10,000").wait_for()
    assert block.locator("tbody tr").get_attribute("title") == f"Message-ID: {message_id}"

    mailboxes = tab.locator('[data-table="mailboxes"]')
    mailboxes.locator("th", has_text="SSNs").click()
    ssns = [int(v.replace(",", "")) for v in _column(tab, "mailboxes", 9)]
    assert ssns == sorted(ssns, reverse=True)


def test_screenshot(page: Any, big_case: Path) -> None:
    tab, _ = page
    target = big_case / "report" / "screenshot.png"
    tab.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 20_000
    shutil.copyfile(target, SCREENSHOT_COPY)
