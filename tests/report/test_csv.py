"""CSV exports: every cell a spreadsheet could evaluate is neutralised."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import orjson
from hypothesis import given
from hypothesis import strategies as st

from mailscope.report.csv_out import FORMULA_TRIGGERS, neutralise_cell, write_csv
from mailscope.report.visible import visible
from tests.report.tenant import HOSTILE_SUBJECTS, HOSTILE_UPN

CSV_NAMES = ("exposed_messages.csv", "mailboxes.csv", "people_to_notify.csv", "findings.csv")


def _cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_formula_cells_get_an_apostrophe() -> None:
    for text in ("=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://e")'):
        assert neutralise_cell(text) == "'" + visible(text)


def test_ordinary_cells_and_numbers_are_untouched() -> None:
    assert neutralise_cell("Inbox/Travel") == "Inbox/Travel"
    assert neutralise_cell("a=b") == "a=b"
    assert neutralise_cell(-5) == "-5"
    assert neutralise_cell(0.25) == "0.25"
    assert neutralise_cell(True) == "true"
    assert neutralise_cell(None) == ""


@given(st.text())
def test_no_neutralised_cell_starts_with_a_trigger(text: str) -> None:
    cell = neutralise_cell(text)
    assert not cell or cell[0] not in FORMULA_TRIGGERS
    assert cell.removeprefix("'") == visible(text) or cell == visible(text)


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), max_size=5))
def test_write_csv_round_trips_through_the_guard(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "t.csv", ["a", "b", "c", "d"], rows)
        read = _cells(path)
    assert read[0] == ["a", "b", "c", "d"]
    assert read[1:] == [[neutralise_cell(c) for c in row] for row in rows]


def test_every_exported_cell_is_inert(report_dir: Path) -> None:
    for name in CSV_NAMES:
        rows = _cells(report_dir / name)
        assert len(rows) > 1, name
        for row in rows:
            for cell in row:
                assert not cell or cell[0] not in FORMULA_TRIGGERS, (name, cell)
                assert "\x1b" not in cell, (name, cell)


def test_hostile_subjects_and_upns_arrive_neutralised(report_dir: Path) -> None:
    rows = _cells(report_dir / "exposed_messages.csv")
    header, body = rows[0], rows[1:]
    subjects = {row[header.index("subject")] for row in body}
    mailboxes = {row[header.index("mailbox")] for row in body}
    assert "'" + HOSTILE_SUBJECTS[3] in subjects  # =HYPERLINK(…)
    assert "'" + HOSTILE_SUBJECTS[4] in subjects  # +cmd
    assert "'" + HOSTILE_SUBJECTS[5] in subjects  # -2+3
    assert "'" + HOSTILE_SUBJECTS[6] in subjects  # @SUM
    assert "'" + HOSTILE_UPN in mailboxes
    assert visible(HOSTILE_SUBJECTS[7]) in subjects  # ANSI shown as \x1b text


def test_exposed_rows_match_the_scope_table(report_dir: Path) -> None:
    scope = orjson.loads((report_dir / "scope.json").read_bytes())
    rows = _cells(report_dir / "exposed_messages.csv")[1:]
    assert len(rows) == scope["totals"]["exposed_messages"]


def test_no_cell_exceeds_excels_limit_and_long_lists_become_a_count() -> None:
    from mailscope.report.csv_out import CELL_LIMIT, LISTED, _joined, neutralise_cell

    assert len(neutralise_cell("x" * 200_000)) == CELL_LIMIT
    assert neutralise_cell("=" + "y" * 40_000).startswith("'=")
    sessions = [f"session-{n:05d}" for n in range(5_000)]
    cell = _joined(sessions)
    assert cell.startswith("5,000 values") and "session-00000" in cell
    assert f"session-{LISTED:05d}" not in cell
    assert _joined(sessions[:3]) == "session-00000; session-00001; session-00002"
