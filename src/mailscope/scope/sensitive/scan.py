"""Scan one message's text for sensitive content and summarise it per message.

A message counts once per kind (an itinerary message with two flights is one itinerary
message); SSNs are kept as normalised values so callers can count distinct numbers across
messages and mailboxes. Hits leave this module only as a salted-free SHA-256 of the value
and a redacted form: the store never holds the SSNs themselves.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from presidio_analyzer import RecognizerResult

from mailscope.scope.sensitive import itinerary, markings, personal, ssn
from mailscope.scope.sensitive.analyzer import CREDIT_CARD, LANGUAGE, build_analyzer

# Cheap triggers: the analyzer runs only the recognisers whose trigger occurs in the text
# (most ordinary mail triggers none), which keeps tens of thousands of messages fast.
_TRIGGERS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    ((ssn.ENTITY,), re.compile(r"\d{3}[- ]\d{2}[- ]\d{4}")),
    ((CREDIT_CARD,), re.compile(r"\d{4}[- ]?\d{4}[- ]?\d{4}")),
    ((personal.PASSPORT,), re.compile(r"passport", re.IGNORECASE)),
    ((personal.DATE_OF_BIRTH,), re.compile(r"\b(?:dob|d\.o\.b|birth|born)\b", re.IGNORECASE)),
    (itinerary.ENTITIES, re.compile(r"\b[A-Z0-9]{2} ?\d{1,4}\b")),
    ((markings.ENTITY,), re.compile("|".join(m.split()[0] for m in markings.MARKINGS))),
)

# Kind names used in the store (scope_exposed_messages.sensitive_kinds, scope_sensitive_hits).
KIND_OF_ENTITY: dict[str, str] = {
    ssn.ENTITY: "us_ssn",
    CREDIT_CARD: "credit_card",
    personal.PASSPORT: "passport",
    personal.DATE_OF_BIRTH: "date_of_birth",
    markings.ENTITY: "marking",
}
PERSONAL_KINDS = frozenset({"us_ssn", "credit_card", "passport", "date_of_birth", "itinerary"})


@dataclass(frozen=True, slots=True)
class Hit:
    """One sensitive value: its kind, a hash to count distinct values, a redacted form."""

    kind: str
    value_hash: str
    redacted: str
    score: float


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """What one message exposes."""

    ssns: frozenset[str] = frozenset()
    itinerary: bool = False
    marking: bool = False
    hits: tuple[Hit, ...] = field(default=())

    @property
    def kinds(self) -> list[str]:
        """Sorted distinct kinds present in the message."""
        found = {h.kind for h in self.hits}
        if self.itinerary:
            found.add("itinerary")
        return sorted(found)


def scan_text(text: str) -> Sensitivity:
    """Run the analyzer on ``text`` and fold its results into a :class:`Sensitivity`."""
    entities = [e for names, trigger in _TRIGGERS if trigger.search(text) for e in names]
    if not entities:
        return Sensitivity()
    results = build_analyzer().analyze(text, language=LANGUAGE, entities=entities)
    hits: dict[tuple[str, str], Hit] = {}
    ssns: set[str] = set()
    for result in results:
        value = text[result.start : result.end]
        kind = KIND_OF_ENTITY.get(result.entity_type)
        if kind is None:
            continue
        if kind == "us_ssn":
            normal = ssn.normalise_ssn(value)
            if normal is None:
                continue
            ssns.add(normal)
            value = normal
        key = (kind, _digest(kind, value))
        if key not in hits:
            hits[key] = Hit(kind, key[1], _redact(kind, value), float(result.score))
    travel = _travel(results)
    has_itinerary = itinerary.is_itinerary(travel)
    if has_itinerary:
        flights = sorted(
            {
                " ".join(text[r.start : r.end].split())
                for r in travel
                if r.entity_type == itinerary.FLIGHT
            }
        )
        summary = ", ".join(flights)
        score = max(float(r.score) for r in travel)
        hits[("itinerary", "")] = Hit("itinerary", _digest("itinerary", summary), summary, score)
    return Sensitivity(
        ssns=frozenset(ssns),
        itinerary=has_itinerary,
        marking=any(h.kind == "marking" for h in hits.values()),
        hits=tuple(sorted(hits.values(), key=lambda h: (h.kind, h.value_hash))),
    )


def _travel(results: list[RecognizerResult]) -> list[RecognizerResult]:
    return [r for r in results if r.entity_type in itinerary.ENTITIES]


def _digest(kind: str, value: str) -> str:
    normal = value if kind == "marking" else re.sub(r"\s+", " ", value.strip())
    return hashlib.sha256(f"{kind}:{normal}".encode()).hexdigest()


def _redact(kind: str, value: str) -> str:
    """Keep markings readable; keep only the last four characters of identifiers."""
    if kind == "marking":
        return " ".join(value.split())
    tail = re.sub(r"\W", "", value)[-4:]
    return f"***{tail}" if kind in ("us_ssn", "credit_card", "passport") else "***"
