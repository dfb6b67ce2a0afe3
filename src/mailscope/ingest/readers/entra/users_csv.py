"""The Entra admin center's "Download users" CSV.

Current headers are Graph property names (``userPrincipalName,displayName,surname,
givenName,objectId|id,userType,jobTitle,department,accountEnabled,usageLocation,…,
officeLocation,…``); older exports used labels (``User principal name``, ``Display name``,
``Object Id``, ``Job title``, ``Department``, ``Office``, ``Block sign in`` …).

Collectors write the same directory through the Graph PowerShell SDK, in PascalCase:
Microsoft-Extractor-Suite ``Get-Users`` (``Users.csv``: ``UserPrincipalName,DisplayName,Id,
Department,JobTitle,AccountEnabled,CreatedDateTime,…``) and Hawk ``EntraIDUsers.csv``; the
Extractor Suite's administrator-role files (``Get-AdminUsers``, ``Get-AllRoleActivity``)
list role members as ``Role,UserName,UserId,DisplayName,Department,JobTitle,…``.

Sniff: a header with a UPN column, a display-name column and an object-id, user-type or
account-enabled column (or a role-member header), and none of the sign-in, Sentinel or UAL
CSV headers.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailscope.ingest.base import Item, Source
from mailscope.ingest.readers.entra.csv_rows import map_csv
from mailscope.ingest.readers.entra.sniffing import UAL_CSV_HEADERS, csv_header
from mailscope.ingest.readers.entra.users_map import user_row
from mailscope.model.row import Row

_UPN = frozenset({"userPrincipalName", "User principal name", "UserPrincipalName"})
_NAME = frozenset({"displayName", "Display name", "DisplayName"})
_MORE = frozenset(
    {
        "objectId",
        "id",
        "Object Id",
        "Object ID",
        "ObjectId",
        "userType",
        "User type",
        "accountEnabled",
        "Account enabled",
        "Block sign in",
        "Id",
        "AccountEnabled",
        "UserType",
    }
)
_ROLE_MEMBERS = frozenset({"Role", "UserName", "UserId", "DisplayName"})
_NOT_USERS = UAL_CSV_HEADERS | {"Date (UTC)", "TimeGenerated", "TimeGenerated [UTC]"}


class UsersCsvReader:
    """Entra "Download users" CSV, current and older column spellings."""

    name = "entra_users_csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        names = set(csv_header(head))
        if not _NOT_USERS.isdisjoint(names):
            return False
        if names >= _ROLE_MEMBERS:
            return True
        return (
            not _UPN.isdisjoint(names)
            and not _NAME.isdisjoint(names)
            and not _MORE.isdisjoint(names)
        )

    def read(self, source: Source) -> Iterator[Item]:
        return map_csv(source, _row)


def _row(row: dict[str, str], raw: str) -> Row:
    return user_row(row)
