"""Bytes consumed of a source, counted as a reader reads them (for progress bars)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from mailscope.ingest.base import Source


class CountingOpener:
    """Opens the source and counts the bytes the reader has consumed (for progress bars)."""

    def __init__(self, source: Source, on_read: Callable[[int], None] | None = None):
        self._source = source
        self.bytes_read = 0
        self.on_read = on_read

    def __call__(self) -> BinaryIO:
        return CountingStream(self._source.open(), self)  # type: ignore[return-value]


class CountingStream:
    def __init__(self, stream: BinaryIO, owner: CountingOpener):
        self._stream = stream
        self._owner = owner

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._owner.bytes_read += len(data)
        if self._owner.on_read is not None:
            self._owner.on_read(self._owner.bytes_read)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._stream.readline(size)
        self._owner.bytes_read += len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def __enter__(self) -> CountingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()
