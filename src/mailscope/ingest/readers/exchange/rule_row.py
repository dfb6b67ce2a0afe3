"""One exported Exchange rule (inbox or transport, CSV row or JSON object) → a ``mail_rules`` row.

Column spellings are data (``rule_fields.json``); lookups ignore case because exports
differ (``MoveToFolder`` vs Extractor Suite's ``MovetoFolder``). Where an export has no
action columns, the actions are read from the generated ``Description`` text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

import orjson

from mailscope.ingest.base import Parsed
from mailscope.ingest.normalise import (
    content_key,
    maybe_json,
    normalise_folder_path,
    normalise_upn,
    pick,
    text,
    to_bool,
)
from mailscope.ingest.readers.exchange.rule_text import (
    addresses,
    description_actions,
    description_conditions,
)
from mailscope.model.evidence_tables import MailRulesRow
from mailscope.model.row import Row

_ADDRESS_COLUMNS = ("forward_to", "redirect_to", "forward_as_attachment_to")


@cache
def rule_fields() -> dict[str, dict[str, list[str]]]:
    """The field-spelling table, loaded once."""
    raw = files("mailscope.ingest.readers.exchange").joinpath("rule_fields.json").read_text("utf-8")
    table = json.loads(raw)
    return {kind: spec for kind, spec in table.items() if not kind.startswith("_")}


def rule_item(line: int, record: Mapping[str, object], kind: str, source_format: str) -> Parsed:
    """The ``mail_rules`` row of one rule of ``kind`` ('inbox' | 'transport')."""
    spec = rule_fields()[kind]
    fields = _lowered(record)

    def first(column: str) -> object:
        return pick(fields, *spec[column])

    description = text(first("description"))
    conditions = _conditions(fields, spec["conditions"]) or description_conditions(description)
    typed: MailRulesRow = {
        "kind": kind,
        "mailbox_upn": _mailbox(first("mailbox"), fields),
        "name": text(first("name")),
        "enabled": to_bool(first("enabled")),
        "delete_message": to_bool(first("delete_message")),
        "move_to_folder": normalise_folder_path(first("move_to_folder")),
        "conditions": conditions,
        "source_format": source_format,
        "raw": orjson.dumps(dict(record), option=orjson.OPT_NON_STR_KEYS).decode(),
    }
    values: dict[str, object] = dict(typed)  # the address and action columns, by name
    for column in _ADDRESS_COLUMNS:
        values[column] = (
            "; ".join(filter(None, (addresses(fields.get(name)) for name in spec[column]))) or None
        )
    for column, value in description_actions(description).items():
        if values.get(column) in (None, False):
            values[column] = value
    values["record_key"] = content_key("mail_rule", kind, sorted(fields.items(), key=_by_name))
    return Parsed(line, (Row("mail_rules", values),))


def _by_name(item: tuple[str, object]) -> str:
    return item[0]


def _lowered(record: Mapping[str, object]) -> dict[str, object]:
    """Keys lower-cased; Graph's nested ``actions`` object flattened into the top level."""
    fields = {str(key).lower(): maybe_json(value) for key, value in record.items()}
    actions = fields.pop("actions", None)
    if isinstance(actions, Mapping):
        for key, value in actions.items():
            fields.setdefault(str(key).lower(), value)
    return fields


def _mailbox(value: object, fields: Mapping[str, object]) -> str | None:
    """The owner; ``Get-InboxRule`` Identity reads ``owner\\ruleid`` when no owner column."""
    if value is None:
        identity = text(fields.get("identity"))
        if identity and "\\" in identity:
            value = identity.split("\\", 1)[0]
    return normalise_upn(value)


def _conditions(fields: Mapping[str, object], names: list[str]) -> str | None:
    present = {name: fields[name] for name in names if text(fields.get(name)) is not None}
    if not present:
        return None
    return orjson.dumps(present, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()
