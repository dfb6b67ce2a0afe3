"""Readers for mailbox content (PST, .msg, .mbox, .eml); ``READERS`` in sniffing order.

They are tried before every log reader, so each sniffs on content that no audit-log CSV
or JSON file can have (binary magic, a ``From `` line, or an RFC 5322 header block).
"""

from __future__ import annotations

from mailscope.ingest.base import Reader
from mailscope.ingest.readers.mailbox.eml import EmlReader
from mailscope.ingest.readers.mailbox.mbox import MboxReader
from mailscope.ingest.readers.mailbox.msg import MsgReader
from mailscope.ingest.readers.mailbox.pst import PstReader

READERS: tuple[Reader, ...] = (PstReader(), MsgReader(), MboxReader(), EmlReader())
