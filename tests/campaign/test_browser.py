"""Headless Chromium opens campaign.html from disk: offline, inert, numbers right.

Run with ``make test-browser`` (Playwright driving Debian's /usr/bin/chromium).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailscope.campaign.document import build_document
from mailscope.campaign.html import write_html
from tests.campaign.test_outputs import HOSTILE, _campaign

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("campaign-browser")
    document = build_document(_campaign())
    return write_html(document, out), document


@pytest.fixture()
def page(
    browser: Any, page_file: tuple[Path, dict[str, Any]]
) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    path, _ = page_file
    url = path.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    seen: dict[str, list[str]] = {"requests": [], "dialogs": [], "errors": []}
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url == url else route.abort()
    )
    tab = context.new_page()
    tab.on("request", lambda request: seen["requests"].append(request.url))
    tab.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: seen["errors"].append(str(error)))
    tab.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    tab.goto(url)
    yield tab, seen
    context.close()


def test_nothing_leaves_the_page_and_nothing_executes(page: Any, page_file: Any) -> None:
    tab, seen = page
    tab.wait_for_timeout(300)
    assert seen["requests"] == [page_file[0].resolve().as_uri()]
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert tab.locator("script, img, iframe, object, embed").count() == 0


def test_numbers_and_organisations_equal_campaign_json(page: Any, page_file: Any) -> None:
    tab, _ = page
    document = page_file[1]
    for key in ("hit", "mailboxes", "exposed_messages", "not_hit", "unrelated_intrusion"):
        shown = tab.locator(f".kpi [data-metric='{key}']").inner_text()
        assert int(shown.replace(",", "")) == document["summary"][key], key
    rows = tab.locator("#t-organisations tbody tr")
    assert rows.count() == len(document["organisations"])
    status = {o["name"]: o["status"] for o in document["organisations"]}
    assert (
        tab.locator(f'#t-organisations tr[data-org="{HOSTILE}"]').get_attribute("data-status")
        == status[HOSTILE]
    )
    assert HOSTILE in tab.locator("#t-organisations").inner_text()


def test_matrix_timeline_and_links_render(page: Any, page_file: Any) -> None:
    tab, _ = page
    document = page_file[1]
    filled = tab.locator("#t-matrix td.on")
    expected = sum(len(s["organisations"]) for s in document["shared_infrastructure"])
    assert filled.count() == expected
    bars = tab.locator(".lane rect.bar")
    assert bars.count() == 4  # three hit organisations and the unrelated intrusion
    box = bars.first.bounding_box()
    assert box is not None and box["width"] > 0
    assert (
        tab.locator("[data-link]").count()
        == sum(len(o["links"]) for o in document["organisations"]) // 2
    )
