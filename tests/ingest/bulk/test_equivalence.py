"""The bulk (SQL) path and the record-by-record path store identical rows, counts, quarantine."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.bulk.records import (
    GUIDS,
    mail_access,
    odd_records,
    write_json_lines,
    write_purview_csv,
)
from tests.ingest.bulk.twin import assert_same, fast_records
from tests.paths import sample

BAD_LINES = (
    '{"Id": "x", "Operation": ',
    "not json",
    "",
    "   ",
    '{"a":1,}',
    '{"Id":NaN}',
    '{"Id":"00000030-1c2d-4e5f-8a9b-000000000030","Operation":"Op","N":123456789012345678901234}',
)


def test_real_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = fast_records(monkeypatch)
    paths = [
        sample("ual/purview-export-huntress2023.csv"),
        sample("ual/management-api-sekoia.jsonl"),
    ]
    outcome = assert_same(tmp_path, *paths)
    assert [f[2:] for f in outcome.files] == [(219, 219, 0, 0), (73, 70, 0, 3)]
    assert fast[0] > 0  # compact Purview cells go through SQL


def test_odd_json_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = fast_records(monkeypatch)
    path = write_json_lines(tmp_path / "odd.jsonl", odd_records(), BAD_LINES)
    outcome = assert_same(tmp_path, path)
    [(_, _, records, parsed, quarantined, duplicates)] = outcome.files
    # 5 bad lines, a record with neither Operation nor CreationTime, one whose AuditData cell
    # is no object, and one dated 2023-02-30 (a time that does not parse is quarantined).
    assert (records, quarantined) == (len(odd_records()) + 5, 8)
    assert duplicates == 2 and parsed == records - quarantined - duplicates
    assert 0 < fast[0] < records
    assert any(r[1] == "<c3@x.example>" for r in _column(outcome, "mail_access", 9))


def test_odd_purview_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = fast_records(monkeypatch)
    path = write_purview_csv(tmp_path / "odd.csv", odd_records())
    assert_same(tmp_path, path)
    assert fast[0] > 0


def test_overlapping_exports_keep_the_earlier_file(tmp_path: Path) -> None:
    records = [mail_access(guid) for guid in GUIDS[:5]]
    first = write_json_lines(tmp_path / "a.jsonl", records)
    second = write_purview_csv(tmp_path / "b.csv", records[::-1])
    outcome = assert_same(tmp_path, first, second)
    assert [f[2:] for f in outcome.files] == [(5, 5, 0, 0), (5, 0, 0, 5)]


def _column(outcome: object, table: str, index: int) -> list[tuple[object, object]]:
    rows = outcome.tables[table]  # type: ignore[attr-defined]
    return [(row[0], row[index]) for row in rows]


_TEXT = st.sampled_from(
    [
        "",
        " ",
        "null",
        "N/A",
        "<null>",
        "x",
        " Padded ",
        "UPPER@X.EXAMPLE",
        "ümlaut",
        "İ",
        "\t",
        "a\nb",
        "Sync",
        "SYNC",
        "True",
        "no",
        "1",
        "0",
        "5",
        "-3",
        "12345678901",
        "\\Inbox\\Sub",
        "/Archives/ 2023 /",
        "203.0.113.9:8080",
        "::1",
        "[::1]:80",
        "1.2.3.4%1",
        "9/20/2023 4:05 PM",
        "13/40/2023 1:00:00 AM",
        "2023-06-12T03:14:15.5Z",
        "0000-01-01T00:00:00",
    ]
)
_VALUE = st.one_of(
    _TEXT,
    st.none(),
    st.booleans(),
    st.integers(-5, 60),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.lists(_TEXT, max_size=2),
)
_NAME_VALUE = st.lists(
    st.fixed_dictionaries({"Name": st.one_of(_TEXT, st.integers(0, 3)), "Value": _VALUE}),
    max_size=3,
)
_FIELDS = (
    "CreationTime",
    "RecordType",
    "UserId",
    "UserType",
    "ClientIP",
    "ClientIPAddress",
    "AppId",
    "ClientAppId",
    "SessionId",
    "LogonType",
    "MailboxOwnerUPN",
    "MailAccessType",
    "IsThrottled",
    "OperationCount",
    "UserAgent",
    "Workload",
)


@st.composite
def _records(draw: st.DrawFn) -> dict[str, object]:
    record = mail_access(draw(st.sampled_from([*GUIDS[:8], "not-a-guid"])))
    record["Operation"] = draw(st.sampled_from(["MailItemsAccessed", "Op", " MailItemsAccessed"]))
    for name in draw(st.lists(st.sampled_from(_FIELDS), max_size=5, unique=True)):
        record[name] = draw(_VALUE)
    if draw(st.booleans()):
        record["OperationProperties"] = draw(_NAME_VALUE)
    if draw(st.booleans()):
        folders = st.fixed_dictionaries(
            {"Path": _VALUE},
            optional={
                "FolderItems": st.lists(
                    st.fixed_dictionaries({"InternetMessageId": _VALUE, "SizeInBytes": _VALUE}),
                    max_size=2,
                )
            },
        )
        record["Folders"] = draw(st.lists(folders, max_size=2))
    return record


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_records(), min_size=1, max_size=25))
def test_generated_records(tmp_path_factory: pytest.TempPathFactory, records: list[object]) -> None:
    tmp = tmp_path_factory.mktemp("gen")
    lines = write_json_lines(tmp / "gen.jsonl", records)
    table = write_purview_csv(tmp / "gen.csv", records)
    assert_same(tmp / "a", lines)
    assert_same(tmp / "b", table)
    assert orjson.loads(lines.read_bytes().splitlines()[0]) == records[0]
