"""Load user detections from a ``--rules DIR``: Python modules, YAML files, SQL files.

* ``*.py`` — a module exposing ``DETECTIONS: tuple[Detection, ...]`` (built like the
  built-ins, e.g. with :func:`mailscope.detect.rule.sql_detection`).
* ``*.yml`` / ``*.yaml`` — one or more documents with ``id``, ``title``, ``severity``,
  ``sql`` and optionally ``description``, ``runbook``, ``attack``, ``requires``,
  ``confidence``, ``tests`` (``[{name, fires, rows: {table: [row, …]}}]``).
* ``*.sql`` — the query, preceded by ``-- key: value`` header lines with the same keys
  (lists comma-separated).

Files load in name order; every problem is a RuleError naming the file (and line).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from mailscope.detect.rule import Detection, RuleTest, sql_detection
from mailscope.errors import Location, RuleError
from mailscope.model.finding import SEVERITY_ORDER, Severity

_REQUIRED = ("id", "title", "severity", "sql")


def load_user_rules(directory: Path) -> list[Detection]:
    """Every detection defined by the files directly inside ``directory``."""
    if not directory.is_dir():
        raise RuleError("rules folder not found", location=str(directory))
    found: list[Detection] = []
    for path in sorted(directory.iterdir()):
        suffix = path.suffix.lower()
        if suffix == ".py" and not path.name.startswith("_"):
            found.extend(_load_python(path))
        elif suffix in (".yml", ".yaml"):
            found.extend(_load_yaml(path))
        elif suffix == ".sql":
            found.append(_from_mapping(_sql_header(path), f"{path}:1"))
    return found


def _load_python(path: Path) -> list[Detection]:
    name = f"mailscope_user_rules.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuleError("cannot import the rule module", location=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # a user's module may raise anything at import
        raise RuleError(
            f"the rule module failed to import: {error!r}", location=str(path)
        ) from error
    detections = getattr(module, "DETECTIONS", None)
    if not isinstance(detections, list | tuple) or not all(
        isinstance(d, Detection) for d in detections
    ):
        raise RuleError(
            "a rule module must define DETECTIONS as a tuple of Detection",
            location=str(path),
        )
    return [_with_source(d, str(path)) for d in detections]


def _with_source(detection: Detection, source: str) -> Detection:
    from dataclasses import replace

    return detection if detection.source != "built-in" else replace(detection, source=source)


def _load_yaml(path: Path) -> list[Detection]:
    try:
        documents = list(yaml.safe_load_all(path.read_text("utf-8")))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = Location(str(path), mark.line + 1 if mark is not None else None)
        raise RuleError(f"not valid YAML: {error}", location=where) from error
    return [
        _from_mapping(document, f"{path} (document {number})")
        for number, document in enumerate(documents, start=1)
        if document is not None
    ]


def _sql_header(path: Path) -> dict[str, Any]:
    text = path.read_text("utf-8")
    fields: dict[str, Any] = {}
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not body and stripped.startswith("--") and ":" in stripped:
            key, _, value = stripped[2:].partition(":")
            key = key.strip()
            if key in ("attack", "requires"):
                fields[key] = [item.strip() for item in value.split(",") if item.strip()]
            else:
                fields[key] = value.strip()
        elif stripped or body:
            if not body and not stripped.startswith("--") and not fields:
                raise RuleError(
                    "a .sql rule starts with '-- id: …' header lines",
                    location=Location(str(path), number),
                )
            body.append(line)
    fields["sql"] = "\n".join(body)
    return fields


def _from_mapping(document: object, location: str) -> Detection:
    if not isinstance(document, Mapping):
        raise RuleError("a rule must be a mapping of keys", location=location)
    missing = [key for key in _REQUIRED if not document.get(key)]
    if missing:
        raise RuleError(f"the rule lacks {', '.join(missing)}", location=location)
    severity = str(document["severity"]).lower()
    if severity not in SEVERITY_ORDER:
        raise RuleError(
            f"unknown severity {severity!r}",
            location=location,
            hint=f"use one of {', '.join(SEVERITY_ORDER)}",
        )
    sev: Severity = severity  # type: ignore[assignment]
    return sql_detection(
        id=str(document["id"]),
        title=str(document["title"]),
        description=str(document.get("description", "")),
        runbook=str(document.get("runbook", "")),
        severity=sev,
        attack_ids=tuple(str(a) for a in document.get("attack", ()) or ()),
        requires=tuple(str(t) for t in document.get("requires", ()) or ()),
        sql=str(document["sql"]),
        confidence=_confidence(document.get("confidence", 0.5), location),
        tests=tuple(_tests(document.get("tests") or [], location)),
        source=location,
    )


def _confidence(value: object, location: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise RuleError(f"confidence must be a number, not {value!r}", location=location) from error
    if not 0.0 <= number <= 1.0:
        raise RuleError("confidence must be between 0 and 1", location=location)
    return number


def _tests(items: object, location: str) -> list[RuleTest]:
    if not isinstance(items, list):
        raise RuleError("tests must be a list", location=location)
    tests = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or not isinstance(item.get("rows"), Mapping):
            raise RuleError(f"test {number} needs 'rows: {{table: [row, …]}}'", location=location)
        tests.append(
            RuleTest(
                str(item.get("name", f"test {number}")), item["rows"], bool(item.get("fires", True))
            )
        )
    return tests
