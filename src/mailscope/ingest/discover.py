"""Find evidence files under the paths a user names: folders walked, ``.zip`` read in place.

Zip members are never extracted to disk. Members whose names escape the archive
(absolute paths, ``..``) or that look like decompression bombs are refused and reported.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from mailscope.errors import EvidenceError
from mailscope.ingest.base import Source

HEAD_BYTES = 64 * 1024
HASH_CHUNK = 1 << 20
MAX_MEMBER_BYTES = 16 * 1024**3  # one zip member, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for members over 10 MiB
MAX_ARCHIVE_BYTES = 64 * 1024**3
_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True, slots=True)
class Refused:
    """A file that was found but will not be read, with the reason (shown and recorded)."""

    display: str
    reason: str


def discover(paths: list[Path]) -> Iterator[Source | Refused]:
    """Every evidence file under ``paths``, in a stable (sorted) order."""
    for root in paths:
        if not root.exists():
            raise EvidenceError("no such file or folder", location=str(root))
        if root.is_dir():
            for file in _walk(root):
                yield from _sources(file, (root.name, *file.relative_to(root).parts))
        else:
            # A file named on its own keeps its folder's name: for mailbox content that
            # folder is the owner (``jane@x/Inbox.mbox``).
            parent = root.absolute().parent.name
            yield from _sources(root, (parent, root.name) if parent else (root.name,))


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name not in _SKIP_NAMES and not name.startswith("._"):
                yield Path(folder) / name


def _sources(path: Path, parts: tuple[str, ...]) -> Iterator[Source | Refused]:
    if path.is_symlink() and not path.resolve().is_file():
        yield Refused(str(path), "broken or non-file symbolic link")
        return
    if zipfile.is_zipfile(path):
        yield from _zip_members(path, parts)
        return
    yield file_source(path, parts)


def file_source(path: Path, parts: tuple[str, ...]) -> Source:
    """A plain file, hashed now (SHA-256) and opened read-only when read."""
    opener = partial(_open_read_only, path)
    digest, size, head = _hash(opener())
    return Source(str(path), parts, size, digest, head, opener)


def _open_read_only(path: Path) -> BinaryIO:
    return path.open("rb")


def _hash(stream: BinaryIO) -> tuple[str, int, bytes]:
    digest = hashlib.sha256()
    size = 0
    head = b""
    with stream:
        while chunk := stream.read(HASH_CHUNK):
            if size == 0:
                head = chunk[:HEAD_BYTES]
            elif len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size, head


def _zip_members(path: Path, parts: tuple[str, ...]) -> Iterator[Source | Refused]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        yield Refused(str(path), f"unreadable zip archive: {error}")
        return
    with archive:
        members = sorted(
            (info for info in archive.infolist() if not info.is_dir()), key=lambda i: i.filename
        )
        total = 0
        for info in members:
            display = f"{path}!{info.filename}"
            reason = _refusal(info, total)
            if reason:
                yield Refused(display, reason)
                continue
            total += info.file_size
            opener = partial(_open_member, path, info.filename)
            try:
                digest, size, head = _hash(opener())
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                yield Refused(display, f"unreadable zip member: {error}")
                continue
            member_parts = (*parts, *PurePosixPath(info.filename).parts)
            yield Source(display, member_parts, size, digest, head, opener)


def _refusal(info: zipfile.ZipInfo, total: int) -> str | None:
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts:
        return "zip member path escapes the archive (path traversal)"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"zip member larger than {MAX_MEMBER_BYTES} bytes uncompressed"
    if info.file_size > 10 * 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"compression ratio above {MAX_RATIO}:1 (possible decompression bomb)"
    if total + info.file_size > MAX_ARCHIVE_BYTES:
        return f"archive expands beyond {MAX_ARCHIVE_BYTES} bytes (possible decompression bomb)"
    if info.flag_bits & 0x1:
        return "encrypted zip member"
    return None


def _open_member(path: Path, member: str) -> BinaryIO:
    # ZipFile reference-counts its file: closing the archive here leaves the member stream
    # readable, and the file handle closes when the member stream does.
    with zipfile.ZipFile(path) as archive:
        return archive.open(member)  # type: ignore[return-value]
