"""Microsoft Sentinel / Log Analytics rows of Entra tables exported as CSV.

Tables: ``SigninLogs``, ``AADNonInteractiveUserSignInLogs``, ``AADServicePrincipalSignInLogs``,
``AADManagedIdentitySignInLogs``, ``AuditLogs`` and ``MicrosoftGraphActivityLogs``, whole or
projected. Headers are brought back to the table's column names (``log_analytics``) and
each row is routed like a Sentinel JSON row, by its ``Type`` column. A projection without
``Type`` holds one table, told by its header: a Graph request (``RequestUri`` +
``RequestMethod``), an audit (``ActivityDisplayName`` + ``InitiatedBy`` or
``TargetResources``), else a sign-in (a user or service principal column and two sign-in
columns such as ``ResultType``, ``IPAddress``, ``AppDisplayName``). Column reference:
learn.microsoft.com/azure/azure-monitor/reference/tables/signinlogs (and the other tables).

Sniff: ``TimeGenerated`` and one of those tables, and no UAL CSV header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.entra.audit_map import audit_row
from mailscope.ingest.readers.entra.csv_rows import map_csv
from mailscope.ingest.readers.entra.graph_map import graph_row
from mailscope.ingest.readers.entra.route import map_record
from mailscope.ingest.readers.entra.signin_map import signin_row
from mailscope.ingest.readers.entra.sniffing import UAL_CSV_HEADERS, csv_header
from mailscope.ingest.readers.log_analytics import column_names, table_row
from mailscope.model.row import Row

RowMapper = Callable[..., Row]
_PRINCIPALS = frozenset({"UserPrincipalName", "ServicePrincipalId", "ServicePrincipalName"})
_SIGNIN_COLUMNS = frozenset(
    {
        "ResultType",
        "IPAddress",
        "AppDisplayName",
        "AppId",
        "ResourceIdentity",
        "ResourceDisplayName",
        "UniqueTokenIdentifier",
        "ConditionalAccessStatus",
        "ClientAppUsed",
        "IsInteractive",
        "AuthenticationRequirement",
    }
)


def file_mapper(names: set[str]) -> RowMapper | None:
    """The mapper for rows without a ``Type``, from the table the header shows, or None."""
    if {"RequestUri", "RequestMethod"} <= names:
        return graph_row
    if "ActivityDisplayName" in names and names & {"InitiatedBy", "TargetResources"}:
        return audit_row
    if names & _PRINCIPALS and len(names & _SIGNIN_COLUMNS) >= 2:
        return signin_row
    return None


class SentinelCsvReader:
    """Sentinel Entra-table rows as a Log Analytics CSV export."""

    name = "entra_sentinel_csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        names = column_names(csv_header(head))
        if "TimeGenerated" not in names or not UAL_CSV_HEADERS.isdisjoint(names):
            return False
        return file_mapper(names) is not None

    def read(self, source: Source) -> Iterator[Item]:
        fallback = file_mapper(column_names(csv_header(source.head)))

        def row(cells: dict[str, str], raw: str) -> Row:
            return _map_row(table_row(cells), raw, self.name, fallback)

        return map_csv(source, row)


def _map_row(record: Mapping[str, str], raw: str, fmt: str, fallback: RowMapper | None) -> Row:
    if record.get("Type", "").strip() or fallback is None:
        return map_record(dict(record), raw, fmt)
    return fallback(record, raw=raw, fmt=fmt)
