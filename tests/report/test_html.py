"""report.html: self-contained, hostile evidence inert, headline equal to scope.json."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import orjson

from mailscope.report.html import CSP
from mailscope.report.visible import visible
from tests.report.tenant import HOSTILE, HOSTILE_SUBJECTS


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of non-script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.text.append(data)


def _parse(path: Path) -> _Tags:
    parser = _Tags()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_only_our_elements_exist(report_dir: Path) -> None:
    parsed = _parse(report_dir / "report.html")
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"img", "iframe", "object", "embed", "link", "image", "use", "foreignobject"}
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    # one page script without attributes; every other script is a JSON data block
    assert sum(1 for attrs in scripts if not attrs) == 1
    assert all(attrs.get("type") == "application/json" for attrs in scripts if attrs)
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "xlink:href"):
                assert value is not None and value.startswith("#"), (tag, name, value)


def test_hostile_strings_appear_as_text(report_dir: Path) -> None:
    parsed = _parse(report_dir / "report.html")
    text = "".join(parsed.text)
    for hostile in HOSTILE:
        assert " ".join(visible(hostile).split()) in " ".join(text.split()), hostile
    raw = (report_dir / "report.html").read_text("utf-8")
    assert "\x1b" not in raw and "\u202e" not in raw
    assert html.escape(HOSTILE_SUBJECTS[0], quote=False) in raw.replace("&#39;", "'")


def test_no_network_reference_outside_text(report_dir: Path) -> None:
    parsed = _parse(report_dir / "report.html")
    metas = [attrs for tag, attrs in parsed.tags if tag == "meta"]
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in metas
    # evidence mentions http://evil.example, but only inside text nodes, never in markup
    for tag, attrs in parsed.tags:
        for value in attrs.values():
            assert "http" not in (value or "").lower(), (tag, attrs)
    raw = (report_dir / "report.html").read_text("utf-8")
    style = raw.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "url(" not in style and "@import" not in style and "@font-face" not in style


def test_json_data_blocks_cannot_close_their_script(report_dir: Path) -> None:
    raw = (report_dir / "report.html").read_text("utf-8")
    for block in raw.split('<script type="application/json" class="table-data">')[1:]:
        body = block.split("</script>", 1)[0]
        assert "<" not in body and ">" not in body and "&" not in body
        orjson.loads(body)


def test_headline_metrics_equal_scope_json(report_dir: Path) -> None:
    scope = orjson.loads((report_dir / "scope.json").read_bytes())
    parsed = _parse(report_dir / "report.html")
    metrics: dict[str, set[str]] = {}
    for _, attrs in parsed.tags:
        if "data-metric" in attrs and "data-value" in attrs:
            metrics.setdefault(str(attrs["data-metric"]), set()).add(str(attrs["data-value"]))
    totals = scope["totals"]
    for key in ("mailboxes", "exposed_messages", "us_ssn", "itinerary_messages", "marked_messages"):
        assert metrics[key] == {str(totals[key])}, key
    firsts = [m["first_access"] for m in scope["compromised_mailboxes"]]
    lasts = [m["last_access"] for m in scope["compromised_mailboxes"]]
    assert metrics["first_access"] == {min(firsts)}
    assert metrics["last_access"] == {max(lasts)}
    top = max(totals["department_share"].items(), key=lambda kv: (kv[1], kv[0]))
    assert metrics["top_department_share"] == {str(top[1])}


def test_charts_are_drawn_server_side(report_dir: Path) -> None:
    parsed = _parse(report_dir / "report.html")
    rects: dict[str, int] = {}
    current = ""
    for tag, attrs in parsed.tags:
        if tag == "svg":
            current = str(attrs.get("class"))
        elif tag == "rect":
            rects[current] = rects.get(current, 0) + 1
    assert {"svg-timeline", "svg-departments", "svg-mailboxes"} <= set(rects)
    assert all(n > 0 for n in rects.values())
    classes = [attrs.get("class") for tag, attrs in parsed.tags if tag == "rect"]
    assert "actor" in classes and "normal" in classes and "blind" in classes


def test_generated_time_is_on_one_line_only(report_dir: Path) -> None:
    lines = (report_dir / "report.html").read_text("utf-8").splitlines()
    stamped = [line for line in lines if "2024-02-29" in line]
    assert len(stamped) == 1 and "Generated" in stamped[0]


def test_coverage_is_context_not_a_blind_spot(report_dir: Path) -> None:
    raw = (report_dir / "report.html").read_text("utf-8")
    assert "Not everything could be seen: 3 blind spots and 3 quarantined records" in raw
    assert "What the logs cover" in raw
