"""The one registry every detection goes through: built-ins, user rules, Sigma, intel.

Built-in rule modules are listed explicitly (no import-time registration magic); each
exposes ``DETECTIONS: tuple[Detection, ...]``. Duplicate ids are rejected with the
location of both definitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import import_module

from mailscope.detect.rule import Detection
from mailscope.errors import RuleError

BUILTIN_MODULES: tuple[str, ...] = (
    "mailscope.detect.rules.forged_token",
    "mailscope.detect.rules.new_app",
    "mailscope.detect.rules.app_drift",
    "mailscope.detect.rules.sync_context",
    "mailscope.detect.rules.volume",
    "mailscope.detect.rules.ip_signin",
    "mailscope.detect.rules.rest_client",
    "mailscope.detect.rules.inbox_rules",
    "mailscope.detect.rules.mailbox_grants",
    "mailscope.detect.rules.app_permissions",
    "mailscope.detect.rules.logging_health",
    "mailscope.detect.rules.non_owner",
    "mailscope.detect.rules.app_consent",
    "mailscope.detect.rules.credential_attacks",
    "mailscope.detect.rules.recon_tools",
    "mailscope.detect.rules.privileged_roles",
    "mailscope.detect.rules.auth_methods",
    "mailscope.detect.rules.federation",
    "mailscope.detect.rules.mailbox_protocols",
    "mailscope.detect.rules.data_sharing",
)


class Registry:
    """Detections by id, in insertion order; an id may be registered once."""

    def __init__(self, detections: Iterable[Detection] = ()) -> None:
        self._by_id: dict[str, Detection] = {}
        for detection in detections:
            self.add(detection)

    def add(self, detection: Detection) -> None:
        """Register ``detection``; raise RuleError when its id is already taken."""
        if not detection.id or not detection.id.strip():
            raise RuleError("a detection has an empty id", location=detection.source)
        existing = self._by_id.get(detection.id)
        if existing is not None:
            raise RuleError(
                f"duplicate detection id {detection.id!r} (already defined in {existing.source})",
                location=detection.source,
                hint="give the rule a unique id",
            )
        self._by_id[detection.id] = detection

    def extend(self, detections: Iterable[Detection]) -> None:
        """Register each of ``detections`` in order."""
        for detection in detections:
            self.add(detection)

    def __iter__(self) -> Iterator[Detection]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def get(self, rule_id: str) -> Detection | None:
        """The detection with ``rule_id``, if registered."""
        return self._by_id.get(rule_id)


def builtin_detections() -> list[Detection]:
    """Every built-in detection, in module order."""
    found: list[Detection] = []
    for name in BUILTIN_MODULES:
        module = import_module(name)
        found.extend(module.DETECTIONS)
    return found


def builtin_registry() -> Registry:
    """A registry holding the built-in detections (duplicates among them are a bug)."""
    return Registry(builtin_detections())
