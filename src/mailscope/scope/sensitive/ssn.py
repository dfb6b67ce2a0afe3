"""US Social Security Numbers with the SSA validity rules Presidio's recogniser leaves out.

Issued SSNs have area 001-899 except 666, group 01-99 and serial 0001-9999 (SSA, "Social
Security Number Randomization", 2011); 987-65-4320…4329 are reserved for advertising and
078-05-1120 / 219-09-9999 are famous published specimens. Only the ``AAA-GG-SSSS`` shape
(dashes or single spaces, same delimiter twice) counts: bare 9-digit runs collide with
passport, order and phone numbers. As in Purview's "U.S. social security number" type, a
number counts only with an SSN keyword (its ``Keyword_ssn`` list) near it, since order,
case and badge numbers share the shape; "near" is Presidio's context window, the five
words before the number (``LemmaContextAwareEnhancer`` defaults), which keeps a keyword
in one sentence from vouching for a case number in the next.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

ENTITY = "US_SSN"
_SHAPE = re.compile(r"^(\d{3})([- ])(\d{2})\2(\d{4})$")
_SPECIMENS = frozenset({"078051120", "219099999", "123456789"})

# Digits may not continue on either side ("No. 123-45-6789-1" is an order number).
_PATTERN = Pattern("SSN AAA-GG-SSSS", r"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])", 0.6)
# Purview's Keyword_ssn list, matched within its 300-character proximity.
KEYWORD = re.compile(
    r"(?i)(?<![a-z])(?:social\s+security(?:\s+(?:number|no\.?|#))?|soc\.?\s*sec"
    r"|ssa\s+number|ssns?|ssn#|ss#|ssid)(?![a-z])"
)
PREFIX_WORDS = 5


def normalise_ssn(text: str) -> str | None:
    """``AAA-GG-SSSS`` for a valid SSN written with dashes or spaces, else ``None``."""
    match = _SHAPE.match(text.strip())
    if match is None:
        return None
    area, _, group, serial = match.groups()
    digits = area + group + serial
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        return None
    if digits in _SPECIMENS or len(set(digits)) == 1:
        return None
    return f"{area}-{group}-{serial}"


class ValidatedSsnRecognizer(UsSsnRecognizer):
    """Presidio's SSN recogniser restricted to the delimited shape, plus the full SSA rules
    (Presidio 2.2 accepts area 9xx and checks no specimen but three)."""

    def __init__(self) -> None:
        super().__init__(patterns=[_PATTERN], name="ValidatedSsnRecognizer")

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's matches that have an SSN keyword in the words before them."""
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in found if has_keyword(text, r.start, r.end)]

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject anything Presidio rejects and anything the SSA never issues."""
        if super().invalidate_result(pattern_text):
            return True
        return normalise_ssn(pattern_text) is None


def has_keyword(text: str, start: int, end: int) -> bool:
    """Whether an SSN keyword is among the ``PREFIX_WORDS`` words before ``text[start:end]``."""
    del end  # Presidio's default suffix window is empty
    words = text[max(0, start - 400) : start].split()[-PREFIX_WORDS:]
    return KEYWORD.search(" ".join(words)) is not None
