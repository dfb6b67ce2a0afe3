"""Readers for google evidence; ``READERS`` lists them in sniffing order (most specific first)."""

from __future__ import annotations

from mailscope.ingest.base import Reader

READERS: tuple[Reader, ...] = ()
