"""The ordered list of readers that sniffing tries; the first that recognises a file wins."""

from __future__ import annotations

from mailscope.ingest.base import Reader
from mailscope.ingest.readers import entra, exchange, google, mailbox, ual, unanalysed


def all_readers() -> tuple[Reader, ...]:
    """Every built-in reader, most specific first. Format ids must be unique. The readers of
    known unanalysed exports come last, so that they never take a file another reader reads."""
    readers = (
        mailbox.READERS
        + ual.READERS
        + entra.READERS
        + exchange.READERS
        + google.READERS
        + unanalysed.READERS
    )
    names = [reader.name for reader in readers]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate reader names: {duplicates}")
    return readers


def sniff(head: bytes, filename: str, readers: tuple[Reader, ...]) -> Reader | None:
    """The first reader that recognises this file, or None."""
    for reader in readers:
        if reader.sniff(head, filename):
            return reader
    return None
