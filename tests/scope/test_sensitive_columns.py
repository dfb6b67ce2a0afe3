"""Scan results as an Arrow column (what a Spark executor sends back) read back unchanged."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from mailscope.scope.sensitive.columns import SENSITIVITY, scan_column, sensitivity_of
from mailscope.scope.sensitive.scan import scan_text
from tests.scope.test_sensitive import ITINERARY

TEXTS = [
    ITINERARY,
    "SSN: 123-45-6780\nspouse 234-56-7890\ncard 4111 1111 1111 1111",
    "SECRET//NOFORN\n\nSUBJECT: talks; passport number X1234567, DOB 1970-01-01",
    "Lunch on Friday?",
    "",
]


def test_every_kind_survives_the_arrow_column() -> None:
    column = scan_column(pa.array(TEXTS))
    assert column.type == SENSITIVITY
    back = [sensitivity_of(row) for row in column.to_pylist()]
    assert back == [scan_text(text) for text in TEXTS]
    kinds = {kind for found in back for kind in found.kinds}
    assert {"us_ssn", "credit_card", "itinerary", "marking"} <= kinds
    assert back[1].ssns == {"123-45-6780", "234-56-7890"}


def test_a_null_text_is_scanned_as_empty() -> None:
    column = scan_column(pa.array([None, "SSN 123-45-6780"], pa.string()))
    assert [sensitivity_of(row).ssns for row in column.to_pylist()] == [
        frozenset(),
        {"123-45-6780"},
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("0123456789- SSNUA/HotelSECRET\n"), max_size=60)))
def test_round_trip_matches_the_scan(texts: list[str]) -> None:
    column = scan_column(pa.array(texts, pa.string()))
    assert [sensitivity_of(row) for row in column.to_pylist()] == [scan_text(t) for t in texts]
