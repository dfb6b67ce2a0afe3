"""Read IOC files: STIX 2.1 bundles, MISP JSON events, mailscope packs, CSV and TXT lists.

The format is sniffed from the content, not the file name. A CSV list is recognised by a
header naming a value column (``value``, ``IoC``, ``Indicator``, ``ioc_value`` …; the names
per field are data, ``data/ioc_vocabulary.json``), found on the first line or, as abuse.ch
ThreatFox writes it, on the last ``#`` comment line before the rows. Its type column may
use MISP, STIX, OTX, ThreatFox or plain names; ``first_seen``/``DateAdded``/``date`` start
the window and ``last_seen`` ends it. A TXT list has one value per line, ``#`` comments,
and the type inferred from the value.

Entries are checked one by one: an unknown or missing type, or a value that is not what
its type says, is reported with its file and line and the rest of the file is still read.
By default any such entry then fails the file; ``collect_errors=True`` returns them instead.
"""

from __future__ import annotations

import csv
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from mailscope.errors import Location, RuleError, Where
from mailscope.ingest.normalise import blank
from mailscope.intel.entries import Entries, ids_strength
from mailscope.intel.ioc import Indicator, IocSet, parse_pack
from mailscope.intel.misp import is_misp_export, read_misp_events
from mailscope.intel.stix import read_stix_bundle
from mailscope.intel.vocabulary import column_index, column_names

MAX_BYTES = 64 * 1024 * 1024
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
# A header cell is a column name (``DateAdded``, ``ioc_value``, ``Indicator type``), not data.
_COLUMN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,40}$")


@dataclass(frozen=True, slots=True)
class IocFile:
    """What one IOC file yielded: its indicators, format, skipped and refused entries.

    ``skipped`` entries were read and deliberately not imported (``where: why``);
    ``not_hunted`` counts the skipped ones of recognised types mailscope does not hunt, by
    family; ``errors`` are refused entries (only with ``collect_errors=True``).
    """

    iocs: IocSet
    format: str
    skipped: tuple[str, ...] = ()
    errors: tuple[RuleError, ...] = ()
    not_hunted: tuple[tuple[str, int], ...] = ()


def read_ioc_file(path: Path, *, collect_errors: bool = False) -> IocFile:
    """Read and validate one IOC file (RuleError naming file and line when it is bad)."""
    try:
        data = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as error:
        raise RuleError(f"cannot read IOC file: {error.strerror}", location=str(path)) from error
    if len(data) > MAX_BYTES:
        raise RuleError("IOC file is larger than 64 MiB", location=str(path))
    text = data.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith("{"):
        loaded = _read_json(text, path)
    elif csv_header(text) is not None:
        loaded = _finish(path, "csv", read_csv_entries(text, location=str(path)))
    else:
        loaded = _finish(path, "txt", read_txt_entries(text, location=str(path)))
    if loaded.errors and not collect_errors:
        raise _first_of(loaded.errors)
    return loaded


def _read_json(text: str, path: Path) -> IocFile:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise RuleError(f"not valid JSON: {error}", location=str(path)) from error
    if isinstance(document, dict) and document.get("type") == "bundle":
        result = read_stix_bundle(text, location=str(path))
        return IocFile(
            _named(path, result.indicators),
            "stix",
            result.skipped,
            result.errors,
            result.not_hunted,
        )
    if is_misp_export(document):
        return _finish(path, "misp", read_misp_events(text, document, location=str(path)))
    return IocFile(parse_pack(text, location=str(path)), "pack")


def _finish(path: Path, kind: str, entries: Entries) -> IocFile:
    return IocFile(
        _named(path, tuple(entries.indicators)),
        kind,
        tuple(entries.skipped),
        tuple(entries.errors),
        tuple(sorted(entries.not_hunted.items())),
    )


def _first_of(errors: tuple[RuleError, ...]) -> RuleError:
    """The first refused entry, saying how many more there are."""
    first = errors[0]
    more = len(errors) - 1
    tail = f" (and {more} more refused entr{'y' if more == 1 else 'ies'})" if more else ""
    hint = next(
        (e.hint for e in errors if e.hint), "mailscope intel import FILE lists every refused entry"
    )
    return RuleError(first.message + tail, location=first.location, hint=hint)


def _named(path: Path, indicators: tuple[Indicator, ...]) -> IocSet:
    name = re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-") or "iocs"
    return IocSet(name=name, title=path.name, indicators=indicators, origin=str(path))


def _spaced(text: str, header_line: int) -> bool:
    """Whether rows separate quoted cells by ``", "`` (ThreatFox does); elsewhere a space
    after a comma is part of the cell (a citation ``Microsoft Threat Intelligence, …``)."""
    for line in text.splitlines()[header_line:]:
        if line.strip() and not line.lstrip().startswith("#"):
            return '", "' in line
    return False


def _data_lines(text: str, numbers: list[int]) -> Iterator[str]:
    """Lines that are not ``#`` comments, appending each one's 1-based number to ``numbers``."""
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.lstrip().startswith("#"):
            continue
        numbers.append(number)
        yield line


def csv_header(text: str) -> tuple[list[str], int] | None:
    """The header cells and line of a CSV IOC list, or None when ``text`` is not one.

    The header is the first non-comment line, or the last comment line before it when that
    comment names the columns (ThreatFox: ``# "first_seen_utc","ioc_id","ioc_value",…``).
    """
    comment: tuple[list[str], int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            cells = _cells(stripped.lstrip("#"))
            comment = (cells, number) if _names_value_column(cells) else comment
            continue
        cells = _cells(stripped)
        if _names_value_column(cells) or _is_header(cells):
            return cells, number
        return comment
    return comment


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([line], skipinitialspace=True), [])]


def _names_value_column(cells: list[str]) -> bool:
    return len(cells) > 1 and column_index(cells)["value"] is not None


def _is_header(cells: list[str]) -> bool:
    """Two or more cells that are all column names: a CSV header, even if not one we know."""
    return len(cells) > 1 and all(_COLUMN_NAME.match(cell) for cell in cells)


def read_csv_entries(text: str, *, location: str) -> Entries:
    """Entries of a CSV list with a header naming at least a value and a type column."""
    found = csv_header(text)
    if found is None:
        raise RuleError("no CSV header", location=location)
    header, header_line = found
    columns = column_index(header)
    for field in ("value", "type"):
        if columns[field] is None:
            names = ", ".join(column_names()[field])
            raise RuleError(
                f"CSV IOC list has no {field} column (header: {', '.join(header)})",
                location=Location(location, header_line),
                hint=f"name the {field} column one of: {names} (any case)",
            )
    entries = Entries()
    numbers: list[int] = []
    rows = csv.reader(_data_lines(text, numbers), skipinitialspace=_spaced(text, header_line))
    used = 0
    for row in rows:
        line, used = numbers[used], len(numbers)
        if line <= header_line or not any(cell.strip() for cell in row):
            continue
        _add_row(entries, row, header, columns, where=Location(location, line))
    return entries


def _add_row(
    entries: Entries,
    row: list[str],
    header: list[str],
    columns: dict[str, int | None],
    *,
    where: Where,
) -> None:
    source = columns["source"]
    if len(row) > len(header) and source == len(header) - 1:
        # An unquoted comma in the last (citation) column: keep the citation whole.
        row = [*row[: len(header) - 1], ",".join(row[len(header) - 1 :]).strip()]
    cell = {
        name: row[index].strip() if index is not None and index < len(row) else ""
        for name, index in columns.items()
    }
    value = cell.pop("value")
    fields = {name: "" if blank(text) else text for name, text in cell.items()}
    ids_flag = fields.pop("ids_flag")
    if ids_flag and not fields["strength"]:
        fields["strength"] = ids_strength(ids_flag)
    entries.add(fields.pop("type"), value, where=where, **fields)


def read_txt_entries(text: str, *, location: str) -> Entries:
    """Entries of a one-value-per-line list (type inferred from each value)."""
    entries = Entries()
    for line, raw in enumerate(text.splitlines(), start=1):
        value = raw.strip()
        if not value or value.startswith("#"):
            continue
        entries.add(infer_type(value), value, where=Location(location, line))
    return entries


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
