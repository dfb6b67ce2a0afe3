"""The Entra admin center's sign-in "Download" CSV (interactive, non-interactive, service
principal and managed identity tabs).

Headers are English labels: ``Date (UTC)``, ``Request ID``, ``User agent``,
``Correlation ID``, ``User ID``, ``User``, ``Username``, ``Application``, ``Application ID``,
``Resource``, ``Resource ID``, ``IP address``, ``Location`` (``City, State, Country``),
``Status``, ``Sign-in error code``, ``Client app``, ``Session ID``, ``Unique token
identifier``, ``Autonomous system number``, ``Service principal ID``, ``Managed Identity
type`` …

The kind comes from the row: a managed-identity type, or a service principal without a
user, else a user sign-in. The interactive and non-interactive tabs share their columns, so
user rows without an ``Is interactive`` column count as interactive.

Sniff: a header line with ``Date (UTC)`` and ``Request ID`` plus ``IP address``,
``Application`` or ``Correlation ID``.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.entra.csv_rows import map_csv
from mailscope.ingest.readers.entra.signin_map import signin_row
from mailscope.ingest.readers.entra.sniffing import csv_header
from mailscope.model.row import Row

_REQUIRED = frozenset({"Date (UTC)", "Request ID"})
_ANY_OF = frozenset({"IP address", "Application", "Correlation ID"})


class PortalSigninCsvReader:
    """Entra portal sign-in log CSV download."""

    name = "entra_portal_signins_csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        names = set(csv_header(head))
        return names >= _REQUIRED and not _ANY_OF.isdisjoint(names)

    def read(self, source: Source) -> Iterator[Item]:
        return map_csv(source, self._row)

    def _row(self, row: dict[str, str], raw: str) -> Row:
        return signin_row(row, raw=raw, fmt=self.name)
