"""The Presidio ``AnalyzerEngine`` mailscope uses: pattern recognisers only, no NLP model.

``NoOpNlpEngine`` (presidio-analyzer ≥ 2.2.360) returns empty NLP artifacts, so nothing is
downloaded or loaded; every recogniser here is self-contained (regex + validation).
"""

from __future__ import annotations

from functools import cache

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NoOpNlpEngine
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from mailscope.scope.sensitive import itinerary, markings, personal, ssn

LANGUAGE = "en"
SCORE_THRESHOLD = 0.5
CREDIT_CARD = "CREDIT_CARD"


@cache
def build_analyzer() -> AnalyzerEngine:
    """One analyzer per process: SSN (validated), credit card (Luhn), passport, date of
    birth, flight / route / hotel, and handling markings."""
    nlp = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in (
        ssn.ValidatedSsnRecognizer(),
        CreditCardRecognizer(),  # Luhn checksum in validate_result
        personal.passport_recognizer(),
        personal.date_of_birth_recognizer(),
        itinerary.flight_recognizer(),
        itinerary.route_recognizer(),
        itinerary.hotel_recognizer(),
        markings.marking_recognizer(),
    ):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        nlp_engine=nlp,
        registry=registry,
        supported_languages=[LANGUAGE],
        default_score_threshold=SCORE_THRESHOLD,
    )
