"""``case verify``: re-hash every recorded evidence file and compare with the case.

Each location is read again whole (SHA-256 and size); a zip member is read from its
archive, in place, as ingest read it. A location replaced by a changed file the user
accepted (``ingest --accept-changed``) is listed as such, not as a failure: the case
holds both the old and the new evidence.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from mailscope.store.locations import Location

CHUNK = 1 << 20
OK = "ok"
CHANGED = "changed"
MISSING = "missing"
REPLACED = "replaced"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What re-hashing one location found: ``state`` is ok, changed, missing or replaced."""

    location: Location
    state: str
    detail: str = ""
    sha256: str = ""  # as found now ('' when missing or not read)
    bytes: int | None = None

    @property
    def failed(self) -> bool:
        return self.state in (CHANGED, MISSING)

    def line(self) -> str:
        """``ok PATH`` / ``changed PATH: …`` / ``missing PATH: …``, one line."""
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.state} {self.location.path}{tail}"


def verify(locations: list[Location]) -> Iterator[Verdict]:
    """One verdict per location, in the order given."""
    for location in locations:
        if location.replaced_by is not None:
            yield Verdict(
                location,
                REPLACED,
                f"changed after ingest and added again as new evidence {location.replaced_by}",
            )
            continue
        yield _verify_one(location)


def _verify_one(location: Location) -> Verdict:
    file = location.file
    if not file.is_file():
        return Verdict(location, MISSING, f"no file at {file}")
    try:
        if location.is_member:
            found = _hash_member(location)
            if found is None:
                return Verdict(location, MISSING, f"no member {location.member_name} in {file}")
            digest, size = found
        else:
            with file.open("rb") as stream:
                digest, size = _hash(stream)
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        return Verdict(location, MISSING, f"cannot be read: {error}")
    if size != location.bytes:
        return Verdict(
            location,
            CHANGED,
            f"size differs (recorded {location.bytes:,} bytes, now {size:,})",
            digest,
            size,
        )
    if digest != location.sha256:
        return Verdict(
            location,
            CHANGED,
            f"SHA-256 differs (recorded {location.sha256}, now {digest}; same size)",
            digest,
            size,
        )
    return Verdict(location, OK, "", digest, size)


def _hash_member(location: Location) -> tuple[str, int] | None:
    with zipfile.ZipFile(location.file) as archive:
        try:
            stream = archive.open(location.member_name)
        except KeyError:
            return None
        with stream:
            return _hash(stream)  # type: ignore[arg-type]


def _hash(stream: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
