"""Map one directory user (Graph ``users`` object or "Download users" CSV row) to a
``directory_users`` row."""

from __future__ import annotations

from collections.abc import Mapping

from mailscope.ingest.base import Bad
from mailscope.ingest.normalise import to_bool
from mailscope.ingest.readers.entra.fields import USER as F
from mailscope.ingest.readers.entra.fields import first, first_text, first_upn
from mailscope.model.evidence_tables import DirectoryUsersRow
from mailscope.model.row import Row


def user_row(record: Mapping[str, object]) -> Row:
    """The ``directory_users`` row; keyed by object id so that the CSV and the Graph JSON
    of one directory collapse, else by UPN."""
    object_id = first_text(record, F["object_id"])
    upn = first_upn(record, F["upn"])
    if object_id is None and upn is None:
        raise Bad.because("directory user without an object id or userPrincipalName")
    enabled = to_bool(first(record, F["account_enabled"]))
    if enabled is None:
        blocked = to_bool(first(record, F["sign_in_blocked"]))
        enabled = None if blocked is None else not blocked
    key = f"id:{object_id.lower()}" if object_id else f"upn:{upn}"
    values: DirectoryUsersRow = {
        "record_key": key,
        "object_id": object_id,
        "upn": upn,
        "display_name": first_text(record, F["display_name"]),
        "department": first_text(record, F["department"]),
        "job_title": first_text(record, F["job_title"]),
        "office_location": first_text(record, F["office_location"]),
        "mail": first_upn(record, F["mail"]),
        "account_enabled": enabled,
        "user_type": first_text(record, F["user_type"]),
    }
    return Row("directory_users", values)
