"""The chunk reader runs one chunk ahead in a thread: order, errors and early stops kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import closing

import pytest

from mailscope.ingest.bulk.chunks import read_ahead


class Counting:
    """Chunks 0..n-1 (any object passes through), counting how many were produced."""

    def __init__(self, n: int, fail_at: int | None = None):
        self.n, self.fail_at = n, fail_at
        self.produced = 0
        self.threads: set[str] = set()

    def __iter__(self) -> Iterator[object]:
        for index in range(self.n):
            self.threads.add(threading.current_thread().name)
            if index == self.fail_at:
                raise OSError(f"disk read failed at chunk {index}")
            self.produced += 1
            yield index


def test_chunks_arrive_in_order_from_another_thread() -> None:
    source = Counting(50)
    assert list(read_ahead(source)) == list(range(50))  # type: ignore[arg-type]
    assert source.threads == {"mailscope-read-ahead"}


def test_at_most_one_chunk_is_read_ahead() -> None:
    source = Counting(10)
    with closing(read_ahead(source)) as chunks:  # type: ignore[arg-type]
        assert next(chunks) == 0
        time.sleep(0.3)  # the reader had time to run ahead, if it could
        assert source.produced == 2  # the one held here, and the next
        assert next(chunks) == 1
        time.sleep(0.3)
        assert source.produced == 3


def test_a_read_error_is_raised_after_the_chunks_before_it() -> None:
    seen = []
    with pytest.raises(OSError, match="chunk 3"):
        for chunk in read_ahead(Counting(10, fail_at=3)):  # type: ignore[arg-type]
            seen.append(chunk)
    assert seen == [0, 1, 2]


def test_closing_early_stops_the_reader() -> None:
    source = Counting(1000)
    before = threading.active_count()
    with closing(read_ahead(source)) as chunks:  # type: ignore[arg-type]
        next(chunks)
    assert source.produced <= 2
    assert threading.active_count() == before  # the reader thread has ended
