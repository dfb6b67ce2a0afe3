"""Classification and handling markings on correspondence.

Banner and portion markings under Executive Order 13526 (TOP SECRET, SECRET, CONFIDENTIAL),
the State Department's SBU / SENSITIVE BUT UNCLASSIFIED (12 FAM 540), Controlled
Unclassified Information (32 CFR 2002: CUI, CONTROLLED UNCLASSIFIED INFORMATION), and
dissemination controls (NOFORN, LIMITED OFFICIAL USE, FOUO). Markings are written in
capitals; the same words in ordinary prose ("a secret recipe") are not markings, so the
match is case-sensitive. A bare UNCLASSIFIED is a marking that protects nothing.
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

ENTITY = "HANDLING_MARKING"
MARKINGS: tuple[str, ...] = (
    "TOP SECRET",
    "SECRET",
    "CONFIDENTIAL",
    "SENSITIVE BUT UNCLASSIFIED",
    "SBU",
    "SBU NOFORN",
    "CUI",
    "CONTROLLED UNCLASSIFIED INFORMATION",
    "NOFORN",
    "LIMITED OFFICIAL USE",
    "FOR OFFICIAL USE ONLY",
    "FOUO",
)


def marking_recognizer() -> PatternRecognizer:
    """Upper-case markings as whole words (``SECRET//NOFORN``, ``(CONFIDENTIAL)``, ``CUI``)."""
    words = "|".join(sorted((m.replace(" ", r"\s+") for m in MARKINGS), key=len, reverse=True))
    return PatternRecognizer(
        supported_entity=ENTITY,
        name="HandlingMarkingRecognizer",
        patterns=[Pattern("marking", rf"(?<![A-Za-z])(?:{words})(?![A-Za-z])", 0.8)],
        global_regex_flags=0,
    )
