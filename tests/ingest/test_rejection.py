"""One way to reject a record (``Bad``), placed in its file; one way to say where (``Location``)."""

from __future__ import annotations

import ast
from pathlib import Path

import mailscope.ingest
from mailscope.errors import Location, RuleError
from mailscope.ingest.base import Bad
from mailscope.ingest.discover import file_source
from mailscope.ingest.readers.entra.route import route_json

INGEST = Path(mailscope.ingest.__file__).parent


def test_a_raised_rejection_is_placed_by_the_reader_that_catches_it(tmp_path: Path) -> None:
    path = tmp_path / "signins.json"
    signin = '{"id": "2", "createdDateTime": "soon", "userPrincipalName": "a@example.org", '
    signin += '"appId": "00000002-0000-0ff1-ce00-000000000000", "ipAddress": "192.0.2.1"}'
    path.write_text('{"value": [\n{"id": "1"},\n7,\n' + signin + "\n]}\n")
    items = list(route_json(file_source(path, ()), "entra-graph-json"))
    bad = [item for item in items if isinstance(item, Bad)]
    # Raised deep in the mapping (route, times), placed by the reader's loop.
    assert [(b.line, b.reason) for b in bad] == [
        (2, "not an Entra sign-in, audit, Graph activity or directory user record"),
        (3, "not a JSON object"),
        (4, "createdDateTime 'soon' is not a date and time"),
    ]
    assert all(b.raw for b in bad)  # each kept whole


def test_bad_is_an_item_and_an_exception() -> None:
    raised = Bad.because("no time")
    assert (raised.line, raised.raw, str(raised)) == (0, "", "no time")
    assert raised.at(12, '{"a": 1}') == Bad(12, "no time", '{"a": 1}')


def test_ingest_has_no_other_rejection_exception() -> None:
    """Readers reject with ``Bad`` only: no other exception class is defined under ingest/."""
    defined = []
    for path in INGEST.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base) for base in node.bases}
                if bases & {"Exception", "ValueError", "RuntimeError", "TypeError"}:
                    defined.append(f"{path.relative_to(INGEST)}:{node.name}")
    assert defined == ["base.py:Bad"]


def test_locations_are_data_and_read_as_file_line() -> None:
    assert str(Location("feed.csv")) == "feed.csv"
    assert str(Location("feed.csv", 7)) == "feed.csv:7"
    assert str(Location("b.json", 317, detail="indicator--1")) == "b.json:317 (indicator--1)"
    error = RuleError("bad IP", location=Path("feed.csv"))
    assert error.location == Location("feed.csv")
    assert str(error) == "feed.csv: bad IP"
    assert RuleError("x", location=Location("f", 2)).location == Location("f", 2)
