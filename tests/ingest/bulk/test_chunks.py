"""JSON lines cut into Arrow blocks keep the Python reader's line numbers and texts."""

from __future__ import annotations

import io

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailscope.ingest.base import Bad
from mailscope.ingest.bulk.chunks import json_line_chunks
from mailscope.ingest.containers import iter_json_lines

TRICKY = (
    b'\xef\xbb\xbf{"a": 1}\r\n'
    b"\n"
    b"   \t \n" + b" " * 80 + b"\n"
    b'{"b": "caf\xc3\xa9"}  \n'
    b'  {"c": 3}\n'
    b"\xff\xfe not utf-8\n"
    b'{"d": 4}'
)


def _chunked(data: bytes, block: int) -> list[tuple[int, str, bytes]]:
    """(line, text handed to SQL after trimming, original bytes) of every record."""
    out = []
    for chunk in json_line_chunks(io.BytesIO(data), block=block):
        assert not chunk.bad
        for position, (line, doc) in enumerate(
            zip(chunk.lines.to_pylist(), chunk.docs.to_pylist(), strict=True)
        ):
            original = chunk.original(position)
            assert isinstance(original, bytes)
            out.append((line, doc.rstrip(" \t\n\r\x0b\x0c"), original))
    return out


def _python(data: bytes) -> list[int]:
    return [line for line, _ in iter_json_lines(io.BytesIO(data))]


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_tricky_lines_match_the_python_reader(block: int) -> None:
    records = _chunked(TRICKY, block)
    assert [line for line, _, _ in records] == _python(TRICKY) == [1, 5, 6, 7, 8]
    texts = [text for _, text, _ in records]
    assert texts[0] == '{"a": 1}' and texts[1] == '{"b": "café"}'
    assert texts[3] == ""  # undecodable: left to the Python reader, which quarantines it
    assert records[0][2] == b'{"a": 1}\r\n' and records[-1][2] == b'{"d": 4}'


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=3).map(
                orjson.dumps
            ),
            st.sampled_from([b"", b"  ", b"\r", b"not json", b"\t{}"]),
        ),
        max_size=30,
    ),
    st.integers(1, 300),
    st.booleans(),
)
def test_any_lines_any_block(lines: list[bytes], block: int, final_newline: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    records = _chunked(data, block)
    expected = [
        (line, item)
        for line, item in iter_json_lines(io.BytesIO(data))
        if not isinstance(item, Bad)
    ]
    assert [line for line, _, _ in records] == _python(data)
    for (line, text, original), (want_line, value) in zip(records, expected, strict=False):
        if line == want_line:
            assert orjson.loads(original) == value
            assert orjson.loads(text) == value
