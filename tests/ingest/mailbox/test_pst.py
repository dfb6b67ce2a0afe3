"""PST files. No tool here writes a PST, so only sniffing, owner mapping and the handling of
damaged files are tested; the folder walk is untested against a real PST (see report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.mailbox.location import owner_file_location
from mailscope.ingest.readers.mailbox.pst import PST_MAGIC, PstReader
from tests.ingest.mailbox.builders import query, write

pytest.importorskip("pypff", reason="PST support (libpff-python) is an optional extra")

# A Unicode PST header start: magic, CRC, client magic "SM", version 23 ([MS-PST] 2.2.2.6).
HEADER = PST_MAGIC + b"\x00\x00\x00\x00" + b"SM" + b"\x17\x00" + b"\x13\x00\x01\x01"


def test_sniff_on_magic_only() -> None:
    reader = PstReader()
    assert reader.sniff(HEADER + bytes(100), "evidence.bin")
    assert not reader.sniff(b"!BD", "jane.pst")
    assert not reader.sniff(b"From: a@b\n", "jane.pst")


@pytest.mark.parametrize(
    "data",
    [HEADER + bytes(400), HEADER + b"\xa5" * 70_000, PST_MAGIC],
    ids=["truncated", "garbage", "magic-only"],
)
def test_damaged_pst_is_one_quarantine_entry(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "jane.doe@x.example.pst", data)
    run = ingest(tmp_path / "case", [path])
    [result] = run.files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "mailbox_pst",
        1,
        0,
        1,
    )
    [(reason,)] = query(tmp_path / "case", "SELECT reason FROM quarantine")
    assert str(reason).startswith("unreadable PST file")


def test_owner_from_file_name_then_parent_folder() -> None:
    assert owner_file_location(("Jane.Doe@x.example.pst",)).mailbox == "jane.doe@x.example"
    assert owner_file_location(("export", "bob@x.example", "archive.pst")).mailbox == (
        "bob@x.example"
    )
    assert owner_file_location(("export", "archive.pst")).mailbox is None
