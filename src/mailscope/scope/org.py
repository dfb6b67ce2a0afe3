"""People and departments: the directory joined to compromised mailboxes.

Departments come from the directory export (Entra "Download users" / Graph ``users``); a
mailbox whose owner is not in the directory is reported under ``UNKNOWN_DEPARTMENT``.
People to notify are the owners of mailboxes the actor read, with the kinds of personal
data their exposed mail held (the report stage writes them to CSV from ``scope_people``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

UNKNOWN_DEPARTMENT = "(not in directory)"


@dataclass(frozen=True, slots=True)
class Person:
    """A directory entry."""

    upn: str
    display_name: str
    department: str


def load_directory(connection: duckdb.DuckDBPyConnection) -> dict[str, Person]:
    """Directory users by lower-case UPN (first record wins for duplicates)."""
    people: dict[str, Person] = {}
    for upn, name, department in connection.execute(
        "SELECT lower(upn), display_name, department FROM directory_users "
        "WHERE upn IS NOT NULL ORDER BY source_line, record_key"
    ).fetchall():
        people.setdefault(str(upn), Person(str(upn), name or "", department or ""))
    return people


def department_of(directory: dict[str, Person], upn: str) -> str:
    """The department of a mailbox owner, or ``UNKNOWN_DEPARTMENT``."""
    person = directory.get(upn)
    return person.department if person and person.department else UNKNOWN_DEPARTMENT


def department_share(counts: dict[str, int]) -> dict[str, float]:
    """Each department's fraction of all exposed messages (6 decimals, sorted)."""
    total = sum(counts.values())
    if not total:
        return {}
    return {d: round(n / total, 6) for d, n in sorted(counts.items())}


def top_department(shares: dict[str, float]) -> tuple[str, float] | None:
    """The department with the largest share (ties broken by name)."""
    if not shares:
        return None
    name = min(shares, key=lambda d: (-shares[d], d))
    return name, shares[name]
