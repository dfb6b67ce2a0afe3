"""Writers for every evidence file, each in the shape the real export has (see
../shared/samples): Purview CSV, Management API JSON lines, Graph sign-in JSON, Entra
users CSV, Event Hub Graph activity, and one .eml per message."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from mailscope.simulate.evidence import AuditRecord, JsonObject, SignInRecord
from mailscope.simulate.ids import us_date
from mailscope.simulate.mail import Message
from mailscope.simulate.org import OFFICES, Organisation

PURVIEW_HEADER = (
    "RecordId",
    "CreationDate",
    "RecordType",
    "Operation",
    "UserId",
    "AuditData",
    "AssociatedAdminUnits",
    "AssociatedAdminUnitsNames",
)
# Entra admin center "Download users" column order (2023-2024 portal).
USERS_HEADER = (
    "userPrincipalName",
    "displayName",
    "surname",
    "mail",
    "givenName",
    "objectId",
    "userType",
    "jobTitle",
    "department",
    "accountEnabled",
    "usageLocation",
    "streetAddress",
    "state",
    "country",
    "officeLocation",
    "city",
    "postalCode",
    "telephoneNumber",
    "mobile",
    "alternateEmailAddress",
    "ageGroup",
    "consentProvidedForMinor",
    "legalAgeGroupClassification",
    "companyName",
    "creationType",
    "directorySynced",
    "invitationState",
    "identityIssuer",
    "createdDateTime",
)
SIGNIN_FILES = {
    "interactive": "signins-interactive.json",
    "noninteractive": "signins-noninteractive.json",
    "service_principal": "signins-serviceprincipal.json",
}


def _sort_key(record: AuditRecord) -> tuple[datetime, str]:
    return record.time, str(record.data["Id"])


def write_purview_csv(path: Path, records: Iterable[AuditRecord]) -> int:
    """Purview "Audit search" export: newest first, AuditData as compact JSON in a quoted
    cell, US dates, CRLF line ends (as in purview-export-huntress2023.csv)."""
    rows = sorted(records, key=_sort_key, reverse=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(PURVIEW_HEADER)
        for record in rows:
            data = record.data
            writer.writerow(
                (
                    data["Id"],
                    us_date(record.time),
                    data["RecordType"],
                    data["Operation"],
                    data["UserId"],
                    orjson.dumps(data).decode(),
                    "",
                    "",
                )
            )
    return len(rows)


def write_jsonl(path: Path, objects: Iterable[JsonObject]) -> int:
    """One JSON object per line (Management Activity API content blobs flattened)."""
    count = 0
    with path.open("wb") as handle:
        for obj in objects:
            handle.write(orjson.dumps(obj) + b"\n")
            count += 1
    return count


def write_management_jsonl(path: Path, records: Iterable[AuditRecord]) -> int:
    """Management Activity API AuditData objects, oldest first."""
    return write_jsonl(path, (r.data for r in sorted(records, key=_sort_key)))


def write_signins(folder: Path, signins: list[SignInRecord]) -> dict[str, int]:
    """Three Graph sign-in exports: interactive as a Graph page ``{"value": [...]}``,
    non-interactive as a bare array, service principals as a BOM-prefixed indented array
    (the Microsoft-Extractor-Suite shape)."""
    counts: dict[str, int] = {}
    for kind, name in SIGNIN_FILES.items():
        chosen = sorted(
            (s for s in signins if s.kind == kind), key=lambda s: (s.time, str(s.data["id"]))
        )
        values: list[Any] = [s.data for s in chosen]
        if kind == "interactive":
            payload = orjson.dumps({"value": values})
        elif kind == "noninteractive":
            payload = orjson.dumps(values)
        else:
            payload = b"\xef\xbb\xbf" + orjson.dumps(values, option=orjson.OPT_INDENT_2)
        (folder / name).write_bytes(payload)
        counts[name] = len(values)
    return counts


def write_users_csv(path: Path, org: Organisation) -> int:
    """Entra "Download users" CSV."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(USERS_HEADER)
        for p in org.people:
            name, street, city, postal = OFFICES[p.office]
            state = "VA" if city == "Arlington" else "DC"
            writer.writerow(
                (
                    p.upn,
                    p.display_name,
                    p.surname,
                    p.upn,
                    p.given,
                    p.object_id,
                    "Member",
                    p.job_title,
                    p.department,
                    "True",
                    "US",
                    street,
                    state,
                    "United States",
                    name,
                    city,
                    postal,
                    p.phone,
                    p.mobile,
                    "",
                    "",
                    "",
                    "",
                    "Ministry of Foreign Affairs",
                    "",
                    "True",
                    "",
                    org.domain,
                    "2019-03-04T15:22:10Z",
                )
            )
    return len(org.people)


def write_mailboxes(root: Path, mailboxes: dict[str, list[Message]]) -> int:
    """``mailboxes/<upn>/<folder path>/<nnnn>.eml``; the folder tree mirrors the mailbox."""
    count = 0
    for upn in sorted(mailboxes):
        for message in mailboxes[upn]:
            folder = root / upn / message.folder
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{message.number:04d}.eml").write_bytes(message.eml)
            count += 1
    return count


def write_json(path: Path, document: Any) -> None:
    """Pretty, key-ordered-as-built JSON with a trailing newline."""
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
