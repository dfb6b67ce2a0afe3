"""Record containers: the streaming JSON array scanner, JSON-lines sniffing, CSV rows."""

from __future__ import annotations

import io
from functools import partial

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailscope.ingest import containers
from mailscope.ingest.base import Bad, Source
from mailscope.ingest.containers import (
    ArrayScanner,
    iter_csv_rows,
    iter_json_document,
    iter_json_records,
    looks_like_json_lines,
)

ARRAY = b'[\n  {"a": "x]}\\"{"},\n  {"b": [1, {"c": 2}]},\n  3, "s,t", null\n]\n'


def _source(data: bytes) -> Source:
    opener = partial(io.BytesIO, data)
    return Source("t", ("t",), len(data), "0" * 64, data[:65536], opener)  # type: ignore[arg-type]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_scanner_splits_elements_at_any_chunk_size(chunk: int) -> None:
    items = list(ArrayScanner(io.BytesIO(ARRAY), chunk_size=chunk))
    assert items == [(2, {"a": 'x]}"{'}), (3, {"b": [1, {"c": 2}]}), (4, 3), (4, "s,t"), (4, None)]


@pytest.mark.parametrize("chunk", [1, 5, 1 << 20])
def test_scanner_reads_wrapped_arrays(chunk: int) -> None:
    data = b'{"@odata.context": "[x", "tags": [9],\n "value": [\n{"id": 1},\n{"id": 2}]}'
    scanner = ArrayScanner(io.BytesIO(data), chunk_size=chunk)
    assert list(scanner) == [(3, {"id": 1}), (4, {"id": 2})]
    assert scanner.found_array


def test_scanner_quarantines_truncated_and_invalid_elements() -> None:
    items = list(ArrayScanner(io.BytesIO(b'[{"a": 1}, {"b": tru}, {"c": ')))
    assert items[0] == (1, {"a": 1})
    assert isinstance(items[1][1], Bad) and "invalid JSON" in items[1][1].reason
    assert isinstance(items[2][1], Bad) and "truncated" in items[2][1].reason


def test_scanner_skips_oversized_element(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containers, "MAX_RECORD_BYTES", 100)
    data = b'[{"a": "' + b"x" * 500 + b'"}, {"b": 2}]'
    items = list(ArrayScanner(io.BytesIO(data), chunk_size=16))
    assert len(items) == 2
    assert isinstance(items[0][1], Bad) and "larger than" in items[0][1].reason
    assert items[1] == (1, {"b": 2})


def test_scanner_without_array() -> None:
    scanner = ArrayScanner(io.BytesIO(b'{"a": [1, 2]}'))
    assert list(scanner) == [] and not scanner.found_array


def test_huge_documents_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containers, "WHOLE_JSON_LIMIT", 10)
    data = b'{"value": [{"id": 1}, {"id": 2}]}'
    assert list(iter_json_document(io.BytesIO(data), len(data))) == [(1, {"id": 1}), (1, {"id": 2})]
    lone = b'{"id": 1, "x": "long enough"}'
    [(_, bad)] = list(iter_json_document(io.BytesIO(lone), len(lone)))
    assert isinstance(bad, Bad) and "without a records array" in bad.reason


def test_small_single_object_document() -> None:
    data = b'{\n  "Id": "x",\n  "Operation": "y"\n}\n'
    assert list(iter_json_records(_source(data))) == [(1, {"Id": "x", "Operation": "y"})]


def test_json_lines_sniffing() -> None:
    assert looks_like_json_lines(b'{"a": 1}\n{"a": 2}\n')
    assert looks_like_json_lines(b'{"a":\n 1}\n{"a": 2}\n')
    assert not looks_like_json_lines(b'{"value": [{"a": 1}]}')
    assert not looks_like_json_lines(b'{\n  "value": [\n    {"a": 1}\n  ]\n}')
    assert not looks_like_json_lines(b'[{"a": 1}]')


def test_json_lines_with_bad_line() -> None:
    data = b'\xef\xbb\xbf{"a": 1}\n\n{"a": \n{"a": 3}\n'
    items = list(iter_json_records(_source(data)))
    assert items[0] == (1, {"a": 1}) and items[2] == (4, {"a": 3})
    assert isinstance(items[1][1], Bad) and items[1][0] == 3


def test_csv_rows_lines_type_line_and_extra_cells() -> None:
    data = b'#TYPE Deserialized.X\r\n"A","B"\r\n"1","multi\r\nline"\r\n"2"\r\n\r\n"3","4","5"\r\n'
    items = list(iter_csv_rows(io.BytesIO(data)))
    assert items[0] == (3, {"A": "1", "B": "multi\r\nline"})
    assert items[1] == (5, {"A": "2", "B": ""})
    assert isinstance(items[2][1], Bad) and items[2][0] == 7


def test_csv_utf16() -> None:
    data = "A,B\n1,é\n".encode("utf-16")
    assert list(iter_csv_rows(io.BytesIO(data))) == [(2, {"A": "1", "B": "é"})]


@settings(max_examples=40, deadline=None)
@given(
    records=st.lists(
        st.dictionaries(st.text(max_size=5), st.text(max_size=12) | st.integers(-9, 9), max_size=4),
        max_size=6,
    ),
    chunk=st.integers(min_value=1, max_value=40),
    indent=st.booleans(),
)
def test_scanner_agrees_with_orjson(
    records: list[dict[str, object]], chunk: int, indent: bool
) -> None:
    option = orjson.OPT_INDENT_2 if indent else 0
    data = orjson.dumps(records, option=option)
    items = [value for _, value in ArrayScanner(io.BytesIO(data), chunk_size=chunk)]
    assert items == records


# Pieces of arrays that are hard to split: braces and commas inside strings, escapes,
# nested objects, invalid elements, scalars, line breaks.
_ELEMENTS = st.sampled_from(
    [
        '{"a": 1}',
        '{"s": "},{"}',
        '{"s": "}]"}',
        '{"e": "\\\\"}',
        '{"q": "\\"},"}',
        '{"n": {"m": {"k": [1, {"x": "}"}]}}, "t": 2}',
        '{"bad": tru}',
        '{"trailing": 1,}',
        '{"u": "caf\\u00e9"}',
        "42",
        '"text"',
        "null",
        "[1, 2]",
        "{}",
    ]
)
_GAPS = st.sampled_from([",", ", ", ",\n", " ,\r\n  ", ",\t"])


@settings(max_examples=200, deadline=None)
@given(
    elements=st.lists(_ELEMENTS, max_size=8),
    gaps=st.lists(_GAPS, min_size=8, max_size=8),
    wrapped=st.booleans(),
    chunk=st.integers(min_value=1, max_value=64) | st.just(1 << 20),
    truncate=st.integers(min_value=0, max_value=3),
)
def test_whole_element_parse_agrees_with_the_tokens(
    elements: list[str], gaps: list[str], wrapped: bool, chunk: int, truncate: int
) -> None:
    body = "".join(e + (gaps[i] if i < len(elements) - 1 else "") for i, e in enumerate(elements))
    text = f'{{"value": [{body}]}}' if wrapped else f"[\n{body}\n]"
    data = text.encode()[: len(text.encode()) - truncate]

    def read(fast: bool) -> list[tuple[int, object]]:
        scanner = ArrayScanner(io.BytesIO(data), chunk_size=chunk)
        if not fast:
            scanner._whole_object = lambda begin: None  # type: ignore[method-assign]
        return [
            (line, (value.line, value.reason) if isinstance(value, Bad) else value)
            for line, value in scanner
        ]

    assert read(fast=True) == read(fast=False)
