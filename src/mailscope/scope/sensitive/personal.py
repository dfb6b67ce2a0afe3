"""Personal identifiers that need their context word: passports and dates of birth.

Presidio's ``UsPassportRecognizer`` and ``DateRecognizer`` score bare 9-digit runs and
dates very low and rely on context words, which its context enhancer can only read with
an NLP model; mailscope runs without one, so these recognisers carry the context in the
pattern itself ("Passport No. 123456789", "DOB: 04/07/1981").
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

PASSPORT = "US_PASSPORT"
DATE_OF_BIRTH = "DATE_OF_BIRTH"

_DATE = (
    r"(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{4}"
    r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})"
)


def passport_recognizer() -> PatternRecognizer:
    """A passport number right after the word passport (US: 9 digits or a letter + 8)."""
    regex = r"\bpassport(?:\s+(?:no\.?|number|#))?\s*[:#]?\s*(?:[A-Z]\d{8}|\d{9})\b"
    return PatternRecognizer(
        supported_entity=PASSPORT,
        name="PassportWithContextRecognizer",
        patterns=[Pattern("passport number with context", regex, 0.7)],
    )


def date_of_birth_recognizer() -> PatternRecognizer:
    """A date right after ``DOB``, ``date of birth`` or ``born``."""
    regex = rf"\b(?:DOB|D\.O\.B\.|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*{_DATE}"
    return PatternRecognizer(
        supported_entity=DATE_OF_BIRTH,
        name="DateOfBirthRecognizer",
        patterns=[Pattern("date of birth with context", regex, 0.7)],
    )
