"""The Sigma processing pipeline, kept as data in ``pipeline.yml`` and built into pySigma items.

Each case-store table gets three pySigma processing items, all conditioned on the table's
log sources: set the ``table`` state, map the listed Sigma fields
(``FieldMappingTransformation``), and mark every other field as a raw-JSON key
(``AddFieldnamePrefixTransformation`` with ``$``, excluding the mapped targets). Log sources
the store does not hold fail with their reason (``RuleFailureTransformation``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from sigma.processing.conditions import ExcludeFieldCondition, LogsourceCondition
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import (
    AddFieldnamePrefixTransformation,
    FieldMappingTransformation,
    RuleFailureTransformation,
    SetStateTransformation,
)

from mailscope.errors import RuleError

RAW_JSON = "__raw_json"
"""Name of the per-row raw JSON value (NULL when ``raw`` is not valid JSON)."""

ENTITY_KINDS = ("mailboxes", "users", "apps", "ips", "sessions", "tokens")
_LOOKUP_NAME = re.compile(r"^__[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Lookup:
    """A relation with at most one row per record, that derived expressions read as
    ``<name>.<column>``; a query joins it (LEFT JOIN on ``key`` = the row's ``record_key``)
    only when its condition names it, so rules that do not need it pay nothing."""

    name: str
    sql: str
    key: str

    def join(self) -> str:
        """The ``LEFT JOIN`` clause adding this lookup to a query over ``… AS t``."""
        return f"LEFT JOIN ({self.sql}) AS {self.name} ON {self.name}.{self.key} = t.record_key"


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How one store table receives Sigma rules."""

    name: str
    logsources: tuple[dict[str, str], ...]
    fields: dict[str, list[str]]
    entities: dict[str, tuple[str, ...]]
    time_column: str

    @property
    def targets(self) -> list[str]:
        """Every mapped target name (columns, ``@derived``, ``$raw`` keys), sorted."""
        return sorted({target for targets in self.fields.values() for target in targets})

    @property
    def columns(self) -> list[str]:
        """Store columns this spec names (mapped targets and entity columns), sorted."""
        named = {t for t in self.targets if not t.startswith(("@", "$"))}
        named.update(column for columns in self.entities.values() for column in columns)
        named.add(self.time_column)
        return sorted(named)


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """The whole pipeline data file, validated."""

    name: str
    tables: dict[str, TableSpec]
    derived: dict[str, str]
    unsupported: tuple[tuple[dict[str, str], str], ...] = ()
    all_columns: frozenset[str] = field(default=frozenset())
    lookups: tuple[Lookup, ...] = ()

    def lookups_for(self, where: str) -> tuple[Lookup, ...]:
        """The lookups a converted condition reads (a needless join is harmless: one row
        per record at most)."""
        return tuple(lookup for lookup in self.lookups if f"{lookup.name}." in where)

    def processing_pipeline(self) -> ProcessingPipeline:
        """The pySigma pipeline this data describes."""
        items: list[ProcessingItem] = []
        for table in self.tables.values():
            items.extend(_table_items(table))
        for logsource, reason in self.unsupported:
            items.append(
                ProcessingItem(
                    RuleFailureTransformation(reason),
                    rule_conditions=[LogsourceCondition(**logsource)],
                    identifier="mailscope_unsupported_logsource",
                )
            )
        return ProcessingPipeline(items=items, name=self.name, priority=20)


def _table_items(table: TableSpec) -> list[ProcessingItem]:
    def conditions() -> list[Any]:
        return [LogsourceCondition(**logsource) for logsource in table.logsources]

    mapping: dict[str | None, str | list[str]] = {
        name: targets[0] if len(targets) == 1 else list(targets)
        for name, targets in table.fields.items()
    }
    return [
        ProcessingItem(
            SetStateTransformation("table", table.name),
            rule_conditions=conditions(),
            rule_condition_linking=any,
            identifier=f"mailscope_table_{table.name}",
        ),
        ProcessingItem(
            FieldMappingTransformation(mapping),
            rule_conditions=conditions(),
            rule_condition_linking=any,
            identifier=f"mailscope_fields_{table.name}",
        ),
        ProcessingItem(
            AddFieldnamePrefixTransformation("$"),
            rule_conditions=conditions(),
            rule_condition_linking=any,
            field_name_conditions=[ExcludeFieldCondition(fields=table.targets)],
            identifier=f"mailscope_raw_json_{table.name}",
        ),
    ]


@cache
def bundled_pipeline() -> PipelineSpec:
    """The pipeline shipped with mailscope (``detect/sigma/pipeline.yml``)."""
    text = files("mailscope.detect.sigma").joinpath("pipeline.yml").read_text("utf-8")
    return parse_pipeline(text, location="mailscope/detect/sigma/pipeline.yml")


def parse_pipeline(text: str, *, location: str) -> PipelineSpec:
    """Validate pipeline data and build a :class:`PipelineSpec`."""
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise RuleError("pipeline data needs a 'tables' mapping", location=location)
    derived = {str(k): str(v) for k, v in (document.get("derived") or {}).items()}
    tables = {
        str(name): _table_spec(str(name), body, derived, location)
        for name, body in document["tables"].items()
    }
    unsupported = tuple(
        (_logsource(entry.get("logsource"), location), str(entry.get("reason", "unsupported")))
        for entry in document.get("unsupported") or []
    )
    columns = frozenset(column for table in tables.values() for column in table.columns)
    return PipelineSpec(
        name=str(document.get("name", "mailscope")),
        tables=tables,
        derived=derived,
        unsupported=unsupported,
        all_columns=columns,
        lookups=_lookups(document.get("lookups") or {}, location),
    )


def _lookups(body: Any, location: str) -> tuple[Lookup, ...]:
    if not isinstance(body, dict):
        raise RuleError("'lookups' must be a mapping", location=location)
    found = []
    for name, entry in sorted(body.items()):
        if not _LOOKUP_NAME.fullmatch(str(name)):
            raise RuleError(f"lookup name {name!r} must look like __name", location=location)
        if not isinstance(entry, dict) or not entry.get("sql"):
            raise RuleError(f"lookup {name!r} needs 'sql' and 'key'", location=location)
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", str(entry.get("key", ""))):
            raise RuleError(f"lookup {name!r}: 'key' must be a column name", location=location)
        found.append(Lookup(str(name), " ".join(str(entry["sql"]).split()), str(entry["key"])))
    return tuple(found)


def _table_spec(name: str, body: Any, derived: dict[str, str], location: str) -> TableSpec:
    if not isinstance(body, dict):
        raise RuleError(f"table {name!r} must be a mapping", location=location)
    fields: dict[str, list[str]] = {}
    for sigma_field, target in (body.get("fields") or {}).items():
        targets = [str(t) for t in (target if isinstance(target, list) else [target])]
        for one in targets:
            if one.startswith("@") and one[1:] not in derived:
                raise RuleError(f"{name}.{sigma_field}: unknown derived {one}", location=location)
        fields[str(sigma_field)] = targets
    entities_raw = body.get("entities") or {}
    entities = {kind: tuple(str(c) for c in entities_raw.get(kind) or []) for kind in ENTITY_KINDS}
    return TableSpec(
        name=name,
        logsources=tuple(_logsource(ls, location) for ls in body.get("logsources") or []),
        fields=fields,
        entities=entities,
        time_column=str(entities_raw.get("time", "time")),
    )


def _logsource(value: Any, location: str) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise RuleError(f"bad log source entry {value!r}", location=location)
    allowed = {"product", "service", "category"}
    if not set(value) <= allowed:
        raise RuleError(f"log source keys must be among {sorted(allowed)}", location=location)
    return {str(k): str(v) for k, v in value.items()}
