"""Evidence files cut into chunks of records for the bulk path, with their line numbers.

Lines and rows are numbered exactly as the Python readers number them
(``containers.iter_json_lines`` / ``iter_csv_rows``), so both paths stamp the same
``source_line``. Each chunk keeps what the Python reader needs for the records that the SQL
cannot map (the line's bytes, the CSV row's dict).
"""

from __future__ import annotations

import codecs
import gc
import itertools
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pyarrow as pa

from mailscope.ingest.base import Bad
from mailscope.ingest.containers import MAX_RECORD_BYTES, _preview, iter_csv_cells

CHUNK_RECORDS = 100_000  # CSV rows per chunk
BLOCK_BYTES = 192 * 1024 * 1024  # JSON lines: bytes per chunk, cut at a line end
_BLANK = b" \t\n\r\x0b\x0c"
TRAILING_BLANKS = r" \t\n\r\x0b\x0c"  # RE2 class body: what the loader trims off each text


@dataclass
class Chunk:
    """Records of one chunk: line numbers and JSON texts (Arrow), plus extras and refusals.

    ``original(position)`` gives what the Python reader needs for a record the SQL cannot
    map: the line's bytes (JSON lines) or the row's dict (CSV).
    """

    lines: pa.Array
    docs: pa.Array
    original: Callable[[int], object]
    extras: dict[str, pa.Array] = field(default_factory=dict)
    bad: list[Bad] = field(default_factory=list)  # records refused before any mapping

    def __len__(self) -> int:
        return len(self.lines)


def json_line_chunks(stream: BinaryIO, block: int = BLOCK_BYTES) -> Iterator[Chunk]:
    """JSON lines, numbered from 1, blank lines skipped, as ``iter_json_lines`` reads them.

    The file is read in blocks cut at a line end; each block becomes one Arrow string array
    over its own bytes (no Python object per line), so memory is about two blocks.
    """
    first_line = 1
    pending = b""
    while True:
        data = stream.read(block)
        if not data:
            if pending:
                yield _block_chunk(_first(pending, first_line), first_line)[0]
            return
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            pending += data
            if len(pending) > MAX_RECORD_BYTES:
                yield _giant_line(stream, pending, first_line)
                first_line += 1
                pending = b""
            continue
        buffer = pending + data[:cut] if pending else data[:cut]
        pending = data[cut:]
        del data  # at most two blocks alive: this one and the next read
        chunk, count = _block_chunk(_first(buffer, first_line), first_line)
        first_line += count
        del buffer
        yield chunk
        del chunk  # the consumer has dropped it too: the next read is the only block alive


def _first(buffer: bytes, first_line: int) -> bytes:
    """The file's first block loses its UTF-8 byte-order mark, as the Python reader does."""
    return buffer.removeprefix(codecs.BOM_UTF8) if first_line == 1 else buffer


def _giant_line(stream: BinaryIO, head: bytes, line: int) -> Chunk:
    """A line beyond the record cap: consumed to its end and refused (preview kept)."""
    while True:
        more = stream.readline(BLOCK_BYTES)
        if not more or more.endswith(b"\n"):
            break
    return Chunk(
        pa.array([], pa.int64()),
        pa.array([], pa.string()),
        lambda _: None,
        bad=[Bad(line, "record larger than 64 MiB", _preview(head))],
    )


def _block_chunk(buffer: bytes, first_line: int) -> tuple[Chunk, int]:
    """One block of whole lines → its chunk, and the number of lines it held."""
    data = np.frombuffer(buffer, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    if len(buffer) and buffer[-1:] != b"\n":  # the file's last line, without a line end
        ends = np.append(ends, len(buffer))
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    stops = ends.astype(np.int64)
    whole = np.minimum(stops + 1, len(buffer))  # the line with its line end, as Python reads it
    carriage = (stops > starts) & (data[np.maximum(stops - 1, 0)] == 13)
    stops = stops - carriage
    numbers = np.arange(first_line, first_line + len(ends), dtype=np.int64)
    keep = stops > starts
    bad: list[Bad] = []
    spaced = np.isin(data[np.minimum(starts, max(len(data) - 1, 0))], list(_BLANK))
    for index in np.flatnonzero(keep & spaced):  # lines starting with whitespace: blank?
        if not buffer[starts[index] : stops[index]].strip(_BLANK):
            keep[index] = False
    for index in np.flatnonzero(keep & (stops - starts > MAX_RECORD_BYTES)):
        keep[index] = False
        bad.append(
            Bad(
                int(numbers[index]),
                "record larger than 64 MiB",
                _preview(buffer[starts[index] : stops[index]]),
            )
        )
    starts, stops, whole, numbers = starts[keep], stops[keep], whole[keep], numbers[keep]
    docs = _strings(buffer, starts, stops)

    def original(position: int) -> object:
        return buffer[starts[position] : whole[position]]

    return Chunk(pa.array(numbers), docs, original, bad=bad), len(ends)


def _strings(buffer: bytes, starts: np.ndarray, stops: np.ndarray) -> pa.Array:
    """The lines as an Arrow string array over ``buffer`` itself; undecodable lines become ''.

    Arrow strings are contiguous, so each value runs to the next kept line and carries its
    line end (and any blank lines after it); the loader trims those (``TRAILING_BLANKS``).
    """
    if len(starts) == 0:
        return pa.array([], pa.large_string())
    if np.all(stops - starts <= MAX_RECORD_BYTES):
        offsets = np.append(starts, stops[-1]).astype(np.int64)
        array = pa.LargeStringArray.from_buffers(
            len(starts), pa.py_buffer(offsets), pa.py_buffer(buffer)
        )
        try:
            array.validate(full=True)
        except pa.ArrowInvalid:
            pass
        else:
            return array  # line ends and blank lines after a value: trimmed in SQL
    texts = []
    for begin, end in zip(starts.tolist(), stops.tolist(), strict=True):
        try:
            texts.append(buffer[begin:end].decode("utf-8"))
        except UnicodeDecodeError:
            texts.append("")
    return pa.array(texts, pa.large_string())


def csv_row_chunks(
    stream: BinaryIO, extras: tuple[str, ...], size: int = CHUNK_RECORDS
) -> Iterator[Chunk]:
    """Rows of a CSV export: the ``AuditData`` cell as the document, ``extras`` beside it.

    Cells go straight into one list per column (no dict per row), each turned into an Arrow
    array and freed in turn, so the chunk's Python strings are gone before DuckDB maps it;
    the Python reader's row dict is rebuilt from the arrays only for the records the SQL
    leaves to it.
    """
    header, rows = iter_csv_cells(stream)
    while True:
        with _collector_paused():
            chunk = _csv_chunk(header, itertools.islice(rows, size), extras)
        if chunk is None:
            return
        yield chunk


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a chunk is read: its rows are lists of
    strings (no cycles), and the collector's scans of them cost a quarter of the reading."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _csv_chunk(
    header: list[str], rows: Iterator[tuple[int, list[str] | Bad]], extras: tuple[str, ...]
) -> Chunk | None:
    """The next rows as a chunk; None when the file had none left."""
    lines: list[int] = []
    cells: list[list[str]] = [[] for _ in header]
    bad: list[Bad] = []
    for number, row in rows:
        if isinstance(row, Bad):
            bad.append(row)
            continue
        lines.append(number)
        for values, cell in zip(cells, row, strict=True):
            values.append(cell)
    if not lines and not bad:
        return None
    arrays: list[pa.Array] = []
    for index in range(len(cells)):
        arrays.append(pa.array(cells[index], pa.large_string()))
        cells[index] = []  # this column's strings freed before the next is converted

    def original(position: int) -> object:
        return dict(zip(header, (array[position].as_py() for array in arrays), strict=True))

    def column(name: str) -> pa.Array:
        if name in header:
            return arrays[header.index(name)]
        return pa.array([""] * len(lines), pa.large_string())

    return Chunk(
        pa.array(lines, pa.int64()),
        column("AuditData"),
        original,
        {name: column(name).cast(pa.string()) for name in extras},
        bad,
    )


def read_ahead(chunks: Iterable[Chunk]) -> Generator[Chunk, None, None]:
    """``chunks``, the next one read by a background thread while the consumer maps this one.

    DuckDB releases the GIL while it runs a statement and keeps both cores busy through
    only part of the mapping, so the file's parsing (Python's csv) overlaps it. At most one
    chunk is read ahead of the one being mapped; an error while reading is raised here, in
    order. Close the generator (``contextlib.closing``) to stop the reader when the
    consumer stops early: it finishes the chunk it is reading, then ends.
    """
    handoff: queue.Queue[tuple[Chunk | None, BaseException | None]] = queue.Queue()
    ahead = threading.Semaphore(1)  # chunks the reader may read before the consumer takes one
    stop = threading.Event()

    def produce() -> None:
        iterator = iter(chunks)
        try:
            while True:
                while not ahead.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                chunk = next(iterator, None)
                handoff.put((chunk, None))
                if chunk is None:
                    return
                del chunk
        except BaseException as error:  # handed to the consumer, raised there
            handoff.put((None, error))

    reader = threading.Thread(target=produce, name="mailscope-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            chunk, error = handoff.get()
            ahead.release()
            if error is not None:
                raise error
            if chunk is None:
                return
            yield chunk
            del chunk
    finally:
        stop.set()
        reader.join()
