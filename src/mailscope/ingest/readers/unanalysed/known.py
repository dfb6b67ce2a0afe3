"""One reader per known unanalysed export, built from ``known_exports.json``.

An entry names the export (the format id), says what it holds (the skip reason) and gives
its signature: ``csv`` (columns the header must contain), ``csv_exact`` (the whole header)
or ``json`` (keys the file's head must contain).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files

from mailscope.ingest.base import Bad, Item, Skipped, Source
from mailscope.ingest.containers import decode_head, first_json_char, iter_json_records
from mailscope.ingest.readers.exchange.powershell_csv import header_cells, iter_export_rows

_JSON_SNIFF_CHARS = 16 * 1024


@dataclass
class KnownExportReader:
    """Recognises one export by its signature and skips each of its records."""

    name: str
    what: str
    columns: frozenset[str] = frozenset()
    exact: bool = False
    keys: tuple[str, ...] = ()

    def sniff(self, head: bytes, filename: str) -> bool:
        if self.keys:
            return self._json_sniff(head)
        if first_json_char(head) in ("{", "["):
            return False
        header = {cell for cell in header_cells(head) if cell}
        return header == self.columns if self.exact else self.columns <= header

    def _json_sniff(self, head: bytes) -> bool:
        if first_json_char(head) not in ("{", "["):
            return False
        text = decode_head(head)[:_JSON_SNIFF_CHARS]
        return all(re.search(rf'"{re.escape(key)}"\s*:', text) for key in self.keys)

    def read(self, source: Source) -> Iterator[Item]:
        records = iter_json_records(source) if self.keys else iter_export_rows(source)
        for line, record in records:
            yield record if isinstance(record, Bad) else Skipped(line, self.what)


def known_exports() -> tuple[KnownExportReader, ...]:
    """The readers of every entry in ``known_exports.json``, in file order."""
    table = json.loads(files(__package__).joinpath("known_exports.json").read_text("utf-8"))
    readers = []
    for entry in table["exports"]:
        exact = "csv_exact" in entry
        readers.append(
            KnownExportReader(
                name=entry["name"],
                what=entry["what"],
                columns=frozenset(entry.get("csv_exact", entry.get("csv", ()))),
                exact=exact,
                keys=tuple(entry.get("json", ())),
            )
        )
    return tuple(readers)
