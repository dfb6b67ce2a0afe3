"""Read IOC files: STIX 2.1 bundles, mailscope packs, CSV and plain-text lists.

The format is sniffed from the content, not the file name. CSV needs a header with
``type`` and ``value`` columns (``first_seen``/``last_seen`` are accepted for the window);
a TXT list has one value per line, ``#`` comments, and the type inferred from the value.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

import orjson

from mailscope.errors import RuleError
from mailscope.intel.ioc import Indicator, IocSet, make_indicator, parse_pack
from mailscope.intel.stix import read_stix_bundle

MAX_BYTES = 64 * 1024 * 1024
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "type": ("type", "kind", "indicator_type"),
    "value": ("value", "indicator", "ioc"),
    "valid_from": ("valid_from", "first_seen", "from"),
    "valid_until": ("valid_until", "last_seen", "until"),
    "role": ("role", "description", "comment"),
    "strength": ("strength",),
    "source": ("source", "reference"),
}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")


@dataclass(frozen=True, slots=True)
class IocFile:
    """What one IOC file yielded: its indicator set, its format, and skipped entries."""

    iocs: IocSet
    format: str
    skipped: tuple[str, ...] = ()


def read_ioc_file(path: Path) -> IocFile:
    """Read and validate one IOC file (RuleError naming file and line when it is bad)."""
    try:
        data = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as error:
        raise RuleError(f"cannot read IOC file: {error.strerror}", location=str(path)) from error
    if len(data) > MAX_BYTES:
        raise RuleError("IOC file is larger than 64 MiB", location=str(path))
    text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _read_json(text, path)
    first = stripped.splitlines()[0].lower() if stripped else ""
    if "," in first and "type" in first and "value" in first:
        return IocFile(_named(path, read_csv_indicators(text, location=str(path))), "csv")
    return IocFile(_named(path, read_txt_indicators(text, location=str(path))), "txt")


def _read_json(text: str, path: Path) -> IocFile:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise RuleError(f"not valid JSON: {error}", location=str(path)) from error
    if isinstance(document, dict) and document.get("type") == "bundle":
        result = read_stix_bundle(text, location=str(path))
        return IocFile(_named(path, result.indicators), "stix", result.skipped)
    return IocFile(parse_pack(text, location=str(path)), "pack")


def _named(path: Path, indicators: tuple[Indicator, ...]) -> IocSet:
    name = re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-") or "iocs"
    return IocSet(name=name, title=path.name, indicators=indicators, origin=str(path))


def read_csv_indicators(text: str, *, location: str) -> tuple[Indicator, ...]:
    """Indicators from a CSV list with a header naming at least ``type`` and ``value``."""
    rows = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(rows, [])]
    columns = {
        name: next((header.index(a) for a in aliases if a in header), None)
        for name, aliases in COLUMN_ALIASES.items()
    }
    if columns["type"] is None or columns["value"] is None:
        raise RuleError("CSV IOC list needs 'type' and 'value' columns", location=location)
    found: list[Indicator] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and header[-1] in COLUMN_ALIASES["source"]:
            # An unquoted comma in the last (citation) column: keep the citation whole.
            row = [*row[: len(header) - 1], ",".join(row[len(header) - 1 :]).strip()]
        fields = {
            name: row[index].strip() if index is not None and index < len(row) else ""
            for name, index in columns.items()
        }
        found.append(
            make_indicator(
                fields.pop("type"), fields.pop("value"), location=f"{location}:{line}", **fields
            )
        )
    return tuple(found)


def read_txt_indicators(text: str, *, location: str) -> tuple[Indicator, ...]:
    """Indicators from a one-value-per-line list (type inferred from each value)."""
    found: list[Indicator] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        value = raw.strip()
        if not value or value.startswith("#"):
            continue
        found.append(make_indicator(infer_type(value), value, location=f"{location}:{line}"))
    return tuple(found)


def infer_type(value: str) -> str:
    """The indicator type a bare value most plausibly is."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        pass
    else:
        return "ipv4-addr" if network.version == 4 else "ipv6-addr"
    if _GUID.match(value):
        return "app-id"
    if _SHA1.match(value):
        return "x509-thumbprint"
    return "user-agent"
