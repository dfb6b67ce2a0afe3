"""Readers for Google Workspace evidence; ``READERS`` lists them in sniffing order."""

from __future__ import annotations

from mailscope.ingest.base import Reader
from mailscope.ingest.readers.google.reports_api import ReportsActivityReader

READERS: tuple[Reader, ...] = (ReportsActivityReader(),)
