"""The sensitive-content scan on Spark executors gives what the case store's scan gives."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from mailscope.detect.rule_tests import load_rows
from mailscope.scope.exposed_messages import store_scan
from mailscope.spark.case_parquet import write_parquet
from mailscope.spark.sensitive_scan import spark_scan
from mailscope.store.case import open_case
from tests.scope.test_sensitive import ITINERARY

pytestmark = pytest.mark.spark


def _message(key: str, box: str, mid: str, folder: str, body: str) -> dict[str, object]:
    return {
        "record_key": key,
        "mailbox_upn": box,
        "message_id": mid,
        "folder_path": folder,
        "date": datetime(2023, 6, 1, 9, 30),
        "sender": "travel@agency.example",
        "subject": f"Re: {mid}",
        "body_text": body,
    }


MESSAGES = [
    _message("k1", "Alice@Example.org", "<ssn>", "Inbox", "Employee SSN: 123-45-6780"),
    _message("k2", "alice@example.org", "<ssn>", "Archive", "a later copy, no number"),
    _message("k3", "alice@example.org", "<trip>", "Inbox", ITINERARY),
    _message("k4", "bob@example.org", "<marked>", "Inbox", "SECRET//NOFORN\n\nSUBJECT: talks"),
    _message("k5", "bob@example.org", "<lunch>", "Inbox", "Lunch on Friday?"),
    _message("k6", "carol@example.org", "<not exposed>", "Inbox", "SSN 234-56-7890"),
]
PAIRS = pa.table(
    {
        "mailbox": ["alice@example.org"] * 2 + ["bob@example.org"] * 3,
        "message_id": ["<ssn>", "<trip>", "<marked>", "<absent>", "<lunch>"],
    }
)


def test_spark_scan_matches_the_store_scan(spark: Any, tmp_path: Path) -> None:
    store = open_case(tmp_path / "case", create=True)
    try:
        load_rows(store, {"messages": MESSAGES})
        write_parquet(store, tmp_path / "parquet")
        on_store = sorted(store_scan(store)(PAIRS))
    finally:
        store.close()
    on_spark = sorted(spark_scan(spark, str(tmp_path / "parquet"))(PAIRS))
    assert on_spark == on_store
    by_id = {(row[0], row[1]): row for row in on_spark}
    assert len(by_id) == 5
    ssn = by_id[("alice@example.org", "<ssn>")]
    assert (ssn[2], ssn[7].ssns) == ("Archive", frozenset())  # first copy by folder
    assert by_id[("alice@example.org", "<trip>")][7].itinerary
    assert by_id[("bob@example.org", "<marked>")][7].marking
    assert not by_id[("bob@example.org", "<lunch>")][7].hits
    absent = by_id[("bob@example.org", "<absent>")]
    assert (absent[6], absent[2], absent[7].hits) == (False, None, ())


def test_no_exposed_messages_is_no_rows(spark: Any, tmp_path: Path) -> None:
    store = open_case(tmp_path / "case", create=True)
    try:
        write_parquet(store, tmp_path / "parquet")
    finally:
        store.close()
    assert spark_scan(spark, str(tmp_path / "parquet"))(PAIRS.slice(0, 0)) == []
