"""Outlook ``.msg`` files, built with extract-msg's OLE writer (no binary fixture needed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.mailbox.msg import OLE_MAGIC, MsgReader
from tests.ingest.mailbox.builders import outlook_msg, query, write


def _msg() -> bytes:
    return outlook_msg(
        subject="Travel plans",
        sender="Ambassador Office <Amb.Office@State.example>",
        to="jane.doe@x.example",
        body="Flight NH 9 on 2023-06-01. SSN 123-45-6789.",
        message_id="<Msg-77@state.example>",
        date_header="Thu, 01 Jun 2023 10:00:00 +0200",
        attachment="itinerary.pdf",
    )


def test_msg_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "jane.doe@x.example" / "Inbox" / "Travel" / "1.msg", _msg())
    [result] = ingest(tmp_path / "case", [path.parents[2]]).files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "mailbox_msg",
        1,
        1,
        0,
    )
    [row] = query(
        tmp_path / "case",
        "SELECT mailbox_upn, folder_path, message_id, date, sender, recipients, subject, "
        "attachment_names, body_text, size_bytes FROM messages",
    )
    assert row == (
        "jane.doe@x.example",
        "Inbox/Travel",
        "<Msg-77@state.example>",
        datetime(2023, 6, 1, 8, 0),
        "amb.office@state.example",
        "jane.doe@x.example",
        "Travel plans",
        "itinerary.pdf",
        "Flight NH 9 on 2023-06-01. SSN 123-45-6789.",
        path.stat().st_size,
    )


def test_sniff_on_content_not_name() -> None:
    reader = MsgReader()
    data = _msg()
    assert reader.sniff(data[: 64 * 1024], "renamed.bin")
    assert not reader.sniff(b"Subject: x\r\n\r\n", "looks.msg")
    assert reader.sniff(OLE_MAGIC + bytes(100), "a.msg")  # OLE + name hint
    assert not reader.sniff(OLE_MAGIC + bytes(100), "a.doc")  # a Word file is not mail


def test_truncated_and_garbage_msg_are_quarantined(tmp_path: Path) -> None:
    write(tmp_path / "jane@x.example" / "Inbox" / "cut.msg", _msg()[:3000])
    write(tmp_path / "jane@x.example" / "Inbox" / "junk.msg", OLE_MAGIC + b"\xff" * 4000)
    run = ingest(tmp_path / "case", [tmp_path / "jane@x.example"])
    assert [(f.format, f.records, f.quarantined) for f in run.files] == [
        ("mailbox_msg", 1, 1),
        ("mailbox_msg", 1, 1),
    ]
    reasons = query(tmp_path / "case", "SELECT reason FROM quarantine ORDER BY source_path")
    assert all(str(reason).startswith("unreadable Outlook message") for (reason,) in reasons)
