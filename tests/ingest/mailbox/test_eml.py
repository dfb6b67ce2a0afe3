"""``.eml`` mailbox trees: mailbox and folder from the path, fields from the message."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.mailbox.mime_fields import mime_fields, parse_message
from tests.ingest.mailbox.builders import message, query, write

COLUMNS = (
    "mailbox_upn, folder_path, message_id, date, sender, recipients, subject, "
    "attachment_names, body_text"
)


def _tree(root: Path) -> Path:
    jane = root / "mailboxes" / "jane.doe@x.example"
    travel = message(
        subject="=?utf-8?q?Itin=C3=A9raire_Tokyo?=",
        to="Jane Doe <Jane.Doe@x.example>, bob@x.example",
        attachment="itinerary.pdf",
    )
    write(jane / "Inbox" / "Travel" / "0001.eml", travel)
    write(jane / "Inbox" / "0002.eml", travel)  # the same message filed twice
    write(
        jane / "Sent Items" / "0001.eml",
        message(
            subject="Plain",
            message_id="  <Sent-9@x.example> ",
            html="<html><style>p{}</style><p>Visa &amp; passport</p><script>x()</script></html>",
            body="",
        ),
    )
    write(root / "mailboxes" / "Bob@X.example" / "Inbox" / "a.eml", message(message_id=None))
    return root / "mailboxes"


def test_tree_rows_and_fields(tmp_path: Path) -> None:
    run = ingest(tmp_path / "case", [_tree(tmp_path)])
    assert [f.format for f in run.files] == ["mailbox_eml"] * 4
    assert (run.records, run.quarantined) == (4, 0)
    rows = query(tmp_path / "case", f"SELECT {COLUMNS} FROM messages ORDER BY source_path")
    bob, inbox, travel, sent = rows
    assert travel == (
        "jane.doe@x.example",
        "Inbox/Travel",
        "<ABC-1@state.example>",
        datetime(2023, 6, 1, 8, 0),  # +0200 → UTC
        "amb.office@state.example",
        "jane.doe@x.example; bob@x.example",
        "Itinéraire Tokyo",
        "itinerary.pdf",
        "Flight NH 9 departs 08:40. SSN 123-45-6789.",
    )
    assert inbox[:3] == ("jane.doe@x.example", "Inbox", "<ABC-1@state.example>")
    assert sent[1:3] == ("Sent Items", "<Sent-9@x.example>")
    assert bob[:3] == ("bob@x.example", "Inbox", None)


def test_html_only_body_becomes_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "m" / "jane@x.example" / "Inbox" / "1.eml",
        b"From: a@x.example\r\nTo: jane@x.example\r\nSubject: h\r\n"
        b"Content-Type: text/html; charset=iso-8859-1\r\n\r\n"
        b"<p>Caf\xe9 &amp; <b>visa</b></p><script>steal()</script>",
    )
    ingest(tmp_path / "case", [path.parent.parent.parent])
    assert query(tmp_path / "case", "SELECT body_text FROM messages") == [("Café & visa",)]


def test_malformed_headers_do_not_crash(tmp_path: Path) -> None:
    hostile = (
        b'From: <<<@@@>>>, "unterminated\r\n'
        b"To: =?bogus-charset?q?x?= <jane@x.example>\r\n"
        b"Date: not a date at all\r\n"
        b"Message-ID: no brackets here\r\n"
        b"Subject: =?utf-8?b?!!!notbase64?=\r\n"
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        b"@@@ not base64 @@@\r\n"
    )
    path = write(tmp_path / "jane@x.example" / "Inbox" / "bad.eml", hostile)
    [result] = ingest(tmp_path / "case", [path]).files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "mailbox_eml",
        1,
        1,
        0,
    )
    [(message_id, date)] = query(tmp_path / "case", "SELECT message_id, date FROM messages")
    assert (message_id, date) == ("<no>", None)


def test_eml_without_headers_is_quarantined(tmp_path: Path) -> None:
    path = write(tmp_path / "jane@x.example" / "Inbox" / "empty.eml", b"just some text\n")
    [result] = ingest(tmp_path / "case", [path]).files
    assert (result.records, result.parsed, result.quarantined) == (1, 0, 1)
    assert query(tmp_path / "case", "SELECT count(*) FROM quarantine") == [(1,)]


def test_no_mailbox_folder_leaves_owner_unknown(tmp_path: Path) -> None:
    path = write(tmp_path / "export" / "Inbox" / "1.eml", message())
    ingest(tmp_path / "case", [path.parent.parent])
    assert query(tmp_path / "case", "SELECT mailbox_upn, folder_path FROM messages") == [
        (None, None)
    ]


def test_localised_folder_and_zip_members(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("jane.doe@x.example/Boîte de réception/1.eml", message())
    [result] = ingest(tmp_path / "case", [archive]).files
    assert result.path.endswith("export.zip!jane.doe@x.example/Boîte de réception/1.eml")
    assert query(tmp_path / "case", "SELECT mailbox_upn, folder_path FROM messages") == [
        ("jane.doe@x.example", "Inbox")
    ]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_after_headers_parse_without_raising(tail: bytes) -> None:
    data = b"From: a@x.example\r\nSubject: s\r\n" + tail
    fields = mime_fields(parse_message(data), data)
    assert fields.size_bytes == len(data)
