"""Mailbox readers are tried first: they must never claim a log export."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.ingest.discover import HEAD_BYTES
from mailscope.ingest.readers import mailbox
from mailscope.ingest.readers.mailbox.eml import EmlReader
from tests.paths import SAMPLES


def _sample_files() -> list[Path]:
    if not SAMPLES.exists():
        pytest.skip(f"real sample evidence not present ({SAMPLES})")
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix != ".md")


def test_no_sample_log_is_claimed_by_a_mailbox_reader() -> None:
    files = _sample_files()
    assert len(files) >= 15
    for path in files:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
        claimed = [r.name for r in mailbox.READERS if r.sniff(head, path.name)]
        assert claimed == [], f"{path.name} claimed by {claimed}"


@pytest.mark.parametrize(
    "head",
    [
        b'{"CreationTime": "2023-06-01T00:00:00", "Operation": "MailItemsAccessed"}\n',
        b'[{"id": "1", "createdDateTime": "2023-06-01T00:00:00Z"}]',
        b"RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n",
        b'"From","To","Subject"\n"a@x","b@x","s"\n',
        b"Date: 2023-06-01\nTotal: 3\n",  # a text report with one header-like line
    ],
)
def test_eml_sniff_rejects_logs_even_with_eml_name(head: bytes) -> None:
    assert not EmlReader().sniff(head, "export.eml" if b"Total" not in head else "report.txt")


def test_eml_sniff_accepts_header_blocks() -> None:
    reader = EmlReader()
    assert reader.sniff(b"Received: from x\r\n\tby y\r\nFrom: a@x\r\nTo: b@x\r\n\r\nhi", "1")
    assert reader.sniff(b"X-Custom: 1\nSubject: only one known\n\nbody", "1.eml")
    assert not reader.sniff(b"X-Custom: 1\nSubject: only one known\n\nbody", "1.txt")
