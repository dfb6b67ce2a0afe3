"""Write the evidence in its export shapes; nothing but evidence goes under ``evidence/``.

- ``ual/Audit.<Workload>_<day>.jsonl``: Management Activity API content, one AuditData
  object per line, one file per content type and day; a few records arrive again in the
  next day's blob, as the API may redeliver them.
- ``entra/*SignIns.json``, ``entra/AuditLogs.json``: Graph arrays as Microsoft-Extractor-Suite
  writes them (UTF-8 BOM, PowerShell ``ConvertTo-Json`` spacing), newest first.
- ``entra/exportUsers_<date>.csv``: the Entra admin center "Download users" file.
- ``mailboxes/<upn>/<Folder>/<Sub>/NNNNN.eml``: one file per message.
"""

from __future__ import annotations

import csv
import html
import json
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

import orjson

from tests.independent.mgmt_api.model import TENANT_DOMAIN, Message, Record, World

CONTENT_TYPES = {
    1: "Audit.Exchange",
    2: "Audit.Exchange",
    50: "Audit.Exchange",
    8: "Audit.AzureActiveDirectory",
    15: "Audit.AzureActiveDirectory",
    24: "Audit.General",
}
SIGNIN_FILES = {
    "interactive": "InteractiveSignIns.json",
    "noninteractive": "NonInteractiveSignIns.json",
    "serviceprincipal": "ServicePrincipalSignIns.json",
    "managedidentity": "ManagedIdentitySignIns.json",
}
USER_COLUMNS = (
    "id",
    "userPrincipalName",
    "displayName",
    "surname",
    "mail",
    "givenName",
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
    "mobilePhone",
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


def write_ual(world: World, root: Path) -> None:
    blobs: dict[tuple[str, str], list[bytes]] = {}
    for record in world.records:
        kind = CONTENT_TYPES[int(record["RecordType"])]
        day = str(record["CreationTime"])[:10]
        line = orjson.dumps(record)
        blobs.setdefault((kind, day), []).append(line)
        if kind == "Audit.Exchange" and world.rng.random() < 0.004:
            late = (datetime.fromisoformat(day) + timedelta(days=1)).strftime("%Y-%m-%d")
            blobs.setdefault((kind, late), []).append(line)
    folder = root / "ual"
    folder.mkdir(parents=True, exist_ok=True)
    for (kind, day), lines in sorted(blobs.items()):
        (folder / f"{kind}_{day}.jsonl").write_bytes(b"\n".join(lines) + b"\n")


def _powershell_json(records: list[Record]) -> bytes:
    text = json.dumps(records, indent=4, ensure_ascii=False, separators=(",", ":  "))
    return "\ufeff".encode() + text.encode()


def write_entra(world: World, root: Path, signin_lag_days: int, sp_signins: bool) -> None:
    folder = root / "entra"
    folder.mkdir(parents=True, exist_ok=True)
    begins = world.start + timedelta(days=signin_lag_days)
    cutoff = begins.strftime("%Y-%m-%dT%H:%M:%SZ")
    for kind, name in SIGNIN_FILES.items():
        if kind == "serviceprincipal" and not sp_signins:
            continue
        rows = [
            r
            for r in world.signins.get(kind, [])
            if cutoff <= r["createdDateTime"] < world.end.strftime("%Y-%m-%dT%H:%M:%SZ")
        ]
        rows.sort(key=lambda r: (r["createdDateTime"], r["id"]), reverse=True)
        (folder / name).write_bytes(_powershell_json(rows))
    audits = sorted(world.directory_audits, key=lambda r: r["activityDateTime"], reverse=True)
    (folder / "AuditLogs.json").write_bytes(_powershell_json(audits))
    _write_users(world, folder / f"exportUsers_{world.end:%Y-%-m-%-d}.csv")


def _write_users(world: World, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(USER_COLUMNS)
        for person in world.people:
            created = world.start - timedelta(days=200 + world.rng.randrange(2000))
            writer.writerow(
                [
                    person.object_id,
                    person.upn,
                    person.display,
                    person.surname,
                    person.upn,
                    person.given,
                    "Member",
                    person.title,
                    person.department,
                    "False" if person.shared else "True",
                    "US",
                    "2201 C Street NW",
                    "DC" if person.city == "Washington" else "",
                    "United States",
                    person.city,
                    person.city,
                    "20520" if person.city == "Washington" else "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "Department of Foreign Affairs",
                    "",
                    "True",
                    "",
                    TENANT_DOMAIN,
                    created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ]
            )


def _address(world: World, address: str) -> str:
    if address.endswith(TENANT_DOMAIN):
        return f"{world.person(address).display} <{address}>"
    return address


def eml_bytes(world: World, message: Message) -> bytes:
    """The message as an RFC 5322 file with CRLF line ends (multipart/alternative for some).

    Written directly for speed when everything is ASCII; otherwise through ``email``.
    """
    zone = timezone(timedelta(hours=message.tz_hours))
    headers = [
        ("Message-ID", message.message_id),
        ("Date", format_datetime(message.date.astimezone(zone))),
        ("From", _address(world, message.sender)),
        ("To", ", ".join(_address(world, a) for a in message.to)),
    ]
    if message.cc:
        headers.append(("Cc", ", ".join(_address(world, a) for a in message.cc)))
    headers += [
        ("Subject", message.subject),
        ("Content-Language", "en-US"),
        ("X-MS-Has-Attach", ""),
    ]
    alternative = message.size % 3 == 0
    text = "\n".join(f"{k}: {v}" for k, v in headers) + message.body
    if not text.isascii():
        return _eml_via_email(headers, message.body, alternative)
    lines = [f"{k}: {v}".rstrip() for k, v in headers] + ["MIME-Version: 1.0"]
    plain = message.body.replace("\n", "\r\n")
    if not alternative:
        lines += [
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: 7bit",
            "",
            "",
        ]
        return ("\r\n".join(lines) + plain).encode()
    boundary = "_000_" + message.message_id.strip("<>").split("@")[0][:40] + "_"
    escaped = html.escape(message.body).replace("\n", "<br>\r\n")
    lines += [
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        "",
        f"--{boundary}",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 7bit",
        "",
        plain,
        f"--{boundary}",
        'Content-Type: text/html; charset="utf-8"',
        "Content-Transfer-Encoding: 7bit",
        "",
        f"<html><body><div>{escaped}</div></body></html>",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode()


def _eml_via_email(headers: list[tuple[str, str]], body: str, alternative: bool) -> bytes:
    mail = EmailMessage(policy=SMTP)
    for name, value in headers:
        mail[name] = value
    mail.set_content(body)
    if alternative:
        escaped = html.escape(body).replace("\n", "<br>\n")
        mail.add_alternative(f"<html><body><div>{escaped}</div></body></html>\n", subtype="html")
    return mail.as_bytes()


def write_mailboxes(world: World, root: Path) -> int:
    written = 0
    for upn, mailbox in sorted(world.mailboxes.items()):
        for folder, messages in sorted(mailbox.folders.items()):
            target = root / "mailboxes" / upn / Path(*folder.split("/"))
            target.mkdir(parents=True, exist_ok=True)
            for n, message in enumerate(messages, 1):
                if message.date >= world.end:
                    continue
                (target / f"{n:05d}.eml").write_bytes(eml_bytes(world, message))
                written += 1
    return written
