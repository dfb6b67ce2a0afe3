"""Odd UAL records for the bulk-path equivalence tests, and writers for both file shapes."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson

from mailscope.simulate.writers import PURVIEW_HEADER

GUIDS = [f"{n:08x}-1c2d-4e5f-8a9b-{n:012x}" for n in range(1, 60)]


def mail_access(guid: str, **extra: object) -> dict[str, object]:
    """A MailItemsAccessed record (Bind, two items in two folders) with ``extra`` fields."""
    record: dict[str, object] = {
        "CreationTime": "2023-06-12T03:14:15",
        "Id": guid,
        "Operation": "MailItemsAccessed",
        "OrganizationId": "2c4f1e7a-9b3d-4e8f-a1c6-5d7e9f0a1b2c",
        "RecordType": 50,
        "ResultStatus": "Succeeded",
        "UserId": "Jane.Doe@State.example",
        "UserType": 0,
        "Workload": "Exchange",
        "ClientIPAddress": "203.0.113.7:51234",
        "AppId": "d3590ed6-52b3-4102-aeff-aad2292ab01c",
        "ClientAppId": "d3590ed6-52b3-4102-aeff-aad2292ab01c",
        "LogonType": 0,
        "MailboxGuid": "b8f0c1d2-0000-4000-8000-00000000abcd",
        "MailboxOwnerUPN": "Jane.Doe@State.example",
        "OperationProperties": [
            {"Name": "MailAccessType", "Value": "Bind"},
            {"Name": "IsThrottled", "Value": "False"},
        ],
        "AppAccessContext": {
            "AADSessionId": "00a1b2c3-0000-4000-8000-000000000001",
            "IssuedAtTime": "2023-06-12T03:01:00.1234567Z",
            "UniqueTokenId": "3kVZRE8tFkinHtPA7_EFAA",
        },
        "Folders": [
            {
                "Path": "\\Inbox\\Travel",
                "FolderItems": [
                    {"InternetMessageId": "<a1@x.example>", "SizeInBytes": 1234},
                    {"InternetMessageId": " b2@x.example ", "SizeInBytes": "99"},
                ],
            },
            {"Path": "\\Posteingang", "FolderItems": [{"InternetMessageId": "<c3@x.example>"}]},
        ],
        "OperationCount": 3,
    }
    record.update(extra)
    return record


def odd_records() -> list[object]:
    """Records covering the shapes the SQL maps and those it must leave to Python."""
    g = iter(GUIDS)
    sync = [
        {"Name": "MailAccessType", "Value": "Sync"},
        {"Name": "IsThrottled", "Value": "True"},
    ]
    return [
        mail_access(next(g)),
        mail_access(next(g), OperationProperties=sync, Folders=[{"Path": "/Inbox/"}]),
        mail_access(
            next(g),
            OperationProperties=[{"Name": "MailAccessType", "Value": "sync"}],
            IsThrottled=True,
            Folders=[{"Path": "\\Boîte de réception"}, {"Path": ""}],
        ),
        mail_access(next(g), CreationTime="9/20/2023 4:05:03 PM"),
        mail_access(
            next(g), CreationTime="12/31/2023 12:00 AM", ClientIPAddress="[2001:DB8::0:1]:443"
        ),
        mail_access(next(g), ClientIPAddress="2001:0db8:0000:0000:0000:0000:0000:0001"),
        mail_access(next(g), ClientIPAddress=" 10.0.0.1 ", UserId=" null "),
        mail_access(next(g), ClientIPAddress="fe80::1%eth0", MailboxOwnerUPN="İSTANBUL@x.example"),
        mail_access(next(g), ClientIPAddress="01.2.3.4:80", Folders=[]),
        mail_access(
            next(g),
            Folders=None,
            Item={"InternetMessageId": "<i@x>", "ParentFolder": {"Path": "\\Sent Items"}},
        ),
        mail_access(next(g), Folders='[{"Path": "\\\\Inbox"}]'),
        mail_access(next(g), Folders=[{"Path": "\\Inbox", "FolderItems": [1, {"SizeInBytes": 5}]}]),
        mail_access(next(g), OperationCount="7", RecordType="50", LogonType="Owner"),
        mail_access(next(g), OperationCount=2.5, UserType=9999999999),
        mail_access(next(g), AppAccessContext='{"AADSessionId": "s"}'),
        mail_access(next(g), OperationProperties=[{"name": "MailAccessType", "value": "Sync"}]),
        mail_access(next(g), OperationProperties=[{"Name": "IsThrottled", "Value": 1}]),
        mail_access(next(g), CreationTime="2023-02-30T00:00:00"),
        mail_access(next(g), CreationTime="2023-06-12 03:14:15+02:00"),
        mail_access(next(g), CreationTime="  ", CreationDate="6/1/2023 1:02:03 am"),
        mail_access(next(g), Id="ANONYMIZED"),
        mail_access(next(g), Id=f" {GUIDS[50]} "),
        mail_access(GUIDS[0], Operation="MailItemsAccessed", UserId="someone@else"),  # repeat
        mail_access(GUIDS[0].upper()),
        {
            "CreationTime": "2023-06-12T00:00:00",
            "Id": next(g),
            "Operation": "New-InboxRule",
            "RecordType": 1,
            "Workload": "Exchange",
            "ClientIP": "198.51.100.4:1234",
            "Parameters": [
                {"Name": "Name", "Value": "."},
                {"Name": "DeleteMessage", "Value": True},
                {"Name": "Name", "Value": "second"},
                {"Name": "", "Value": 1},
                {"Name": "Ratio", "Value": 0.25},
                {"Name": "Nested", "Value": {"a": [1]}},
            ],
            "ExtendedProperties": [{"Name": "UserAgent", "Value": 'curl/8 "x" <é>'}],
        },
        {
            "CreationTime": "2023-06-12T00:00:01Z",
            "Id": next(g),
            "Operation": "UserLoggedIn",
            "RecordType": "AzureActiveDirectoryStsLogon",
            "UserType": "Regular",
            "ActorIpAddress": "192.0.2.1",
            "DeviceProperties": [{"Name": "SessionId", "Value": "sid"}],
        },
        {
            "CreationTime": "2023-06-12T00:00:02",
            "Id": next(g),
            "Operation": " FileAccessed ",
            "RecordType": 6,
            "UserAgent": "n/a",
            "ObjectId": "https://x/doc.docx",
            "ClientIP": "host:80",
        },
        {
            "CreationTime": "2023-06-12T00:00:03",
            "Id": next(g),
            "Operation": "Set-Mailbox",
            "Parameters": "@{Name=Identity; Value=jane}",
            "ClientIP": "1.2.3.4",
        },
        {"Id": next(g), "Workload": "Exchange"},  # no Operation, no CreationTime
        {"CreationTime": "2023-06-12T00:00:04", "Id": next(g), "Operation": "Op", "Big": 2**64 - 1},
        {
            "CreationTime": "2023-06-12T00:00:05",
            "Id": next(g),
            "Operation": "Op",
            "Esc": "a\u0001b",
        },
        {"CreationDate": "2023-06-12", "AuditData": orjson.dumps(mail_access(next(g))).decode()},
        [1, 2, 3],
        "just a string",
    ]


def write_json_lines(path: Path, records: list[object], extra_lines: tuple[str, ...] = ()) -> Path:
    """One record per line (orjson's compact form), then ``extra_lines`` verbatim."""
    with path.open("wb") as out:
        for record in records:
            out.write(orjson.dumps(record) + b"\n")
        for line in extra_lines:
            out.write(line.encode() + b"\n")
    return path


def write_purview_csv(path: Path, records: list[object]) -> Path:
    """A Purview "Audit search" export of ``records`` (US dates in CreationDate)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(PURVIEW_HEADER)
        for number, record in enumerate(records):
            data = record if isinstance(record, dict) else {}
            writer.writerow(
                [
                    data.get("Id", ""),
                    f"6/{number % 28 + 1}/2023 {number % 12 + 1}:05:03 PM",
                    data.get("RecordType", ""),
                    data.get("Operation", ""),
                    data.get("UserId", ""),
                    orjson.dumps(record).decode(),
                    "",
                    "",
                ]
            )
    return path
