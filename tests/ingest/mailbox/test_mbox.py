"""``.mbox`` folders: one row per message, line = the ``From `` line, owner from the path."""

from __future__ import annotations

from pathlib import Path

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.mailbox.mbox import MboxReader
from tests.ingest.mailbox.builders import mbox, message, query, write


def test_messages_lines_and_folder_from_stem(tmp_path: Path) -> None:
    first = message(message_id="<m1@x.example>", body="From the desk of the ambassador.\nBye")
    second = message(message_id="<m2@x.example>", subject="Second")
    path = write(tmp_path / "jane.doe@x.example" / "Inbox.sbd" / "Travel.mbox", mbox(first, second))
    [result] = ingest(tmp_path / "case", [tmp_path / "jane.doe@x.example"]).files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "mailbox_mbox",
        2,
        2,
        0,
    )
    rows = query(
        tmp_path / "case",
        "SELECT source_line, mailbox_upn, folder_path, message_id, body_text "
        "FROM messages ORDER BY source_line",
    )
    second_line = (
        path.read_bytes().split(b"\n").index(b"From sender1@x.example Thu Jun  1 10:00:00 2023")
    )
    assert [row[0] for row in rows] == [1, second_line + 1]
    assert rows[0][1:4] == ("jane.doe@x.example", "Inbox/Travel", "<m1@x.example>")
    assert rows[0][4] == "From the desk of the ambassador.\nBye"  # '>From ' unescaped


def test_mailbox_named_file_has_no_folder(tmp_path: Path) -> None:
    path = write(tmp_path / "Jane.Doe@x.example.mbox", mbox(message()))
    ingest(tmp_path / "case", [path])
    assert query(tmp_path / "case", "SELECT mailbox_upn, folder_path FROM messages") == [
        ("jane.doe@x.example", None)
    ]


def test_text_before_first_message_and_headerless_entry_are_quarantined(tmp_path: Path) -> None:
    data = (
        mbox(message(message_id="<ok@x.example>"))
        + b"From nobody Thu Jun  1 10:00:00 2023\n\nno headers here\n"
    )
    path = write(tmp_path / "bob@x.example" / "Inbox.mbox", data)
    [result] = ingest(tmp_path / "case", [path]).files
    assert (result.records, result.parsed, result.quarantined) == (2, 1, 1)
    [(reason,)] = query(tmp_path / "case", "SELECT reason FROM quarantine")
    assert "without message headers" in str(reason)


def test_sniff_needs_from_line_and_headers() -> None:
    reader = MboxReader()
    assert reader.sniff(b"From a@b Thu Jun  1 10:00:00 2023\nSubject: x\n\nbody\n", "x")
    assert not reader.sniff(b"From a@b\nnot a header\n", "x.mbox")
    assert not reader.sniff(b"Subject: x\nFrom: a@b\n\n", "x.mbox")
