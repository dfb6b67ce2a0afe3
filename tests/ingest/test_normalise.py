"""The shared field normalisers: every source must agree on one form."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailscope.ingest.normalise import (
    blank,
    content_key,
    maybe_json,
    normalise_folder_path,
    normalise_ip,
    normalise_message_id,
    normalise_upn,
    parse_time,
    pick,
    to_bool,
    to_int,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-09-20T04:05:03", datetime(2023, 9, 20, 4, 5, 3)),
        ("2019-06-24T09:21:27.3694184Z", datetime(2019, 6, 24, 9, 21, 27, 369418)),
        ("2019-06-24T09:21:27.3694184+00:00", datetime(2019, 6, 24, 9, 21, 27, 369418)),
        ("2023-06-01T10:00:00+02:00", datetime(2023, 6, 1, 8, 0, 0)),
        ("9/20/2023 4:05:03 AM", datetime(2023, 9, 20, 4, 5, 3)),
        ("9/20/2023 4:05:03 PM", datetime(2023, 9, 20, 16, 5, 3)),
        ("12/1/2023 12:00:00 AM", datetime(2023, 12, 1, 0, 0, 0)),
        ("12/1/2023 12:30:00 PM", datetime(2023, 12, 1, 12, 30, 0)),
        ("12/1/2023 13:30", datetime(2023, 12, 1, 13, 30, 0)),
        (1687766400, datetime(2023, 6, 26, 8, 0, 0)),
        (1687766400000, datetime(2023, 6, 26, 8, 0, 0)),
    ],
)
def test_parse_time_reads_iso_us_and_epoch_forms_as_naive_utc(
    raw: object, expected: datetime
) -> None:
    assert parse_time(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "null", "<null>", "not a time", "13/45/2023 1:00:00 AM", "1/1/2023 13:00:00 PM"],
)
def test_parse_time_returns_none_for_blank_or_invalid(raw: object) -> None:
    assert parse_time(raw) is None


@given(st.text(max_size=60))
def test_parse_time_never_raises(raw: str) -> None:
    result = parse_time(raw)
    assert result is None or result.tzinfo is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20.190.159.2:54672", "20.190.159.2"),
        ("20.190.159.2", "20.190.159.2"),
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("FE80::", "fe80::"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("not-an-ip", "not-an-ip"),
        ("<null>", None),
    ],
)
def test_normalise_ip_strips_ports_brackets_and_compresses_v6(
    raw: str, expected: str | None
) -> None:
    assert normalise_ip(raw) == expected


def test_upn_and_message_id_forms() -> None:
    assert normalise_upn(" Jane.Doe@Ministry.Example ") == "jane.doe@ministry.example"
    assert normalise_message_id("abc@x.example") == "<abc@x.example>"
    assert normalise_message_id(" <abc@x.example> ") == "<abc@x.example>"
    assert normalise_message_id("<>") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\\Inbox\\Travel", "Inbox/Travel"),
        ("/Inbox/Travel/", "Inbox/Travel"),
        ("Inbox/Travel", "Inbox/Travel"),
        ("Boite de reception", "Inbox"),
        ("\\Posteingang\\Reisen", "Inbox/Reisen"),
        ("\\Sent Items", "Sent Items"),
        ("\\\\", None),
    ],
)
def test_folder_paths_from_audit_and_export_agree(raw: str, expected: str | None) -> None:
    assert normalise_folder_path(raw) == expected


def test_scalar_coercions() -> None:
    assert to_bool("False") is False
    assert to_bool("True") is True
    assert to_bool(1) is True
    assert to_bool("maybe") is None
    assert to_int("42") == 42
    assert to_int("4.0") == 4
    assert to_int(True) is None
    assert to_int("x") is None
    assert blank("Not Available")
    assert (
        pick({"ClientIP": "", "ClientIPAddress": "1.2.3.4"}, "ClientIP", "ClientIPAddress")
        == "1.2.3.4"
    )
    assert maybe_json('[{"Name": "a"}]') == [{"Name": "a"}]
    assert maybe_json("{not json") == "{not json"


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=4))
def test_content_key_is_stable_and_order_independent(record: dict[str, object]) -> None:
    reordered = dict(reversed(list(record.items())))
    assert content_key(record) == content_key(reordered)
    assert content_key(record) != content_key(record, "other")
