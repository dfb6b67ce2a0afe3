"""Deterministic identifiers in the shapes Microsoft uses (GUIDs, token ids, message ids)."""

from __future__ import annotations

import base64
import random
import uuid
from datetime import datetime

ISO_SECONDS = "%Y-%m-%dT%H:%M:%S"


class IdSource:
    """Draws identifiers from one seeded stream so reruns produce the same values."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def guid(self) -> str:
        """A version-4 GUID such as audit record ``Id`` or sign-in ``sessionId``."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token_id(self) -> str:
        """A 22-character ``uniqueTokenIdentifier`` (base64url of 16 bytes, no padding),
        the shape Entra writes and ``AppAccessContext.UniqueTokenId`` repeats."""
        raw = self.rng.getrandbits(128).to_bytes(16, "little")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def hexid(self, length: int) -> str:
        """Upper-case hex, as in Exchange server-generated message ids."""
        return f"{self.rng.getrandbits(4 * length):0{length}X}"

    def message_id(self, server: str) -> str:
        """An Exchange Online ``InternetMessageId``:
        ``<BN0PR09MB1234...@BN0PR09MB1234.namprd09.prod.outlook.com>``."""
        return f"<{server}{self.hexid(24)}@{server}.namprd09.prod.outlook.com>"


def iso(when: datetime) -> str:
    """Audit ``CreationTime`` form: ISO 8601, seconds, no zone (UTC implied)."""
    return when.strftime(ISO_SECONDS)


def iso_z(when: datetime) -> str:
    """Graph sign-in ``createdDateTime`` form: ISO 8601 with a ``Z``."""
    return when.strftime(ISO_SECONDS) + "Z"


def us_date(when: datetime) -> str:
    """Purview CSV ``CreationDate`` form: ``9/20/2023 4:05:03 AM`` (US, 12-hour, no zero pad)."""
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{when.month}/{when.day}/{when.year} {hour}:{when.minute:02d}:{when.second:02d} {half}"
