"""Build realistic mailbox evidence in tests: RFC 5322 messages, .eml trees, mbox, Outlook .msg."""

from __future__ import annotations

import io
import struct
from email.message import EmailMessage
from pathlib import Path

import duckdb
from extract_msg.ole_writer import OleWriter


def message(
    *,
    subject: str = "Itinerary",
    sender: str = "Ambassador Office <Amb.Office@State.example>",
    to: str = "Jane Doe <Jane.Doe@x.example>",
    date: str = "Thu, 01 Jun 2023 10:00:00 +0200",
    message_id: str | None = "<ABC-1@state.example>",
    body: str = "Flight NH 9 departs 08:40. SSN 123-45-6789.",
    html: str | None = None,
    attachment: str | None = None,
) -> bytes:
    """A well-formed multipart message (policy.default serialisation)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = date
    if message_id:
        mail["Message-ID"] = message_id
    mail.set_content(body)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    if attachment:
        mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename=attachment)
    return bytes(mail)


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` at ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def mbox(*messages: bytes) -> bytes:
    """An mbox file holding ``messages`` (mboxrd: body ``From `` lines escaped)."""
    out = bytearray()
    for index, data in enumerate(messages):
        out += f"From sender{index}@x.example Thu Jun  1 10:00:00 2023\n".encode()
        for line in data.replace(b"\r\n", b"\n").split(b"\n"):
            out += (b">" + line if line.startswith(b"From ") else line) + b"\n"
        out += b"\n"
    return bytes(out)


def outlook_msg(
    *,
    subject: str,
    sender: str,
    to: str,
    body: str,
    message_id: str,
    date_header: str,
    attachment: str | None = None,
) -> bytes:
    """A minimal but valid Outlook .msg ([MS-OXMSG]) written with extract-msg's OLE writer."""
    writer = OleWriter()

    def string(path: str, value: str) -> None:
        writer.addEntry(path, value.encode("utf-16-le"))

    # Top-level property stream header: reserved, next recipient/attachment ids, counts.
    writer.addEntry("__properties_version1.0", struct.pack("<8xIIII8x", 1, 1, 1, 1))
    string("__substg1.0_001A001F", "IPM.Note")  # PidTagMessageClass
    string("__substg1.0_0037001F", subject)  # PidTagSubject
    string("__substg1.0_1000001F", body)  # PidTagBody
    string("__substg1.0_0C1F001F", sender)  # PidTagSenderEmailAddress
    string("__substg1.0_1035001F", message_id)  # PidTagInternetMessageId
    string("__substg1.0_0E04001F", to)  # PidTagDisplayTo
    headers = f"Message-ID: {message_id}\r\nFrom: {sender}\r\nTo: {to}\r\nDate: {date_header}\r\n"
    string("__substg1.0_007D001F", headers + f"Subject: {subject}\r\n\r\n")
    recipient = "__recip_version1.0_#00000000"
    writer.addEntry(recipient, storage=True)
    writer.addEntry(f"{recipient}/__properties_version1.0", bytes(8))
    string(f"{recipient}/__substg1.0_39FE001F", to)  # PidTagSmtpAddress
    if attachment:
        folder = "__attach_version1.0_#00000000"
        writer.addEntry(folder, storage=True)
        writer.addEntry(f"{folder}/__properties_version1.0", bytes(8))
        string(f"{folder}/__substg1.0_3707001F", attachment)  # PidTagAttachLongFilename
        writer.addEntry(f"{folder}/__substg1.0_37010102", b"%PDF-1.4")  # PidTagAttachDataBinary
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def query(case: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of a read-only query against a case store."""
    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()
