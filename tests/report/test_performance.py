"""report.html with 10 K exposed messages: rendered quickly, compact, paginated."""

from __future__ import annotations

import time
from pathlib import Path

import orjson

from mailscope.report.render import report_case
from tests.report.build_case import build_case

ROWS = 10_000
MAX_SECONDS = 15.0  # measured ~0.6 s on 2 cores; generous for loaded CI runners
MAX_BYTES = 6_000_000  # measured ~2.0 MB


def test_ten_thousand_rows_render_fast_and_small(tmp_path: Path) -> None:
    case = tmp_path / "big"
    built = build_case(case, messages_per_mailbox=ROWS // 4)
    assert built.exposed_rows == ROWS
    started = time.perf_counter()
    (page,) = report_case(case, ("html",))
    seconds = time.perf_counter() - started
    size = page.stat().st_size
    assert seconds < MAX_SECONDS, seconds
    assert size < MAX_BYTES, size
    text = page.read_text("utf-8")
    table_html = text.split('data-table="exposed"', 1)[1]
    body = table_html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr") == 25  # the first page only; the script pages through the rest
    data = table_html.split('class="table-data">', 1)[1].split("</script>", 1)[0]
    assert len(orjson.loads(data)["rows"]) == ROWS
