"""Sensitive-content recognisers: each kind with hits and near misses."""

from __future__ import annotations

import pytest
from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

from mailscope.scope.sensitive.analyzer import build_analyzer
from mailscope.scope.sensitive.scan import scan_text
from mailscope.scope.sensitive.ssn import normalise_ssn

ITINERARY = """Please find the itinerary for the trip below.

ITINERARY
  12 Jun 2023  UA 837  SFO -> NRT  depart 11:22
  Hotel: Hotel Okura Tokyo, 4 nights, confirmation A12345
  Return  NH 1  HND -> IAD
"""


@pytest.mark.parametrize("text", ["123-45-6780", "001-01-0001", "899 99 9999", "665-12-3456"])
def test_valid_ssns_are_found(text: str) -> None:
    assert scan_text(f"Employee SSN: {text}").ssns == {text.replace(" ", "-")}


@pytest.mark.parametrize(
    "text",
    [
        "000-12-3456",  # area 000
        "666-12-3456",  # area 666
        "900-12-3456",  # area 9xx (ITIN range)
        "987-65-4321",  # area 9xx, advertising range
        "123-00-4567",  # group 00
        "123-45-0000",  # serial 0000
        "078-05-1120",  # the Woolworth wallet card specimen
        "219-09-9999",  # the Social Security Board pamphlet specimen
        "202-555-0123",  # a phone number
        "Supply order No. 123-4567890-1234 has shipped.",
        "Order 123-45-6789-12",
        "123-45.6789",  # mixed delimiters
        "123456780",  # bare 9 digits are not counted as SSNs
    ],
)
def test_near_misses_are_not_ssns(text: str) -> None:
    assert scan_text(f"Reference {text} closed").ssns == frozenset()


def test_presidio_alone_accepts_area_9xx_which_is_why_we_validate() -> None:
    """Documents the gap our validation closes (Presidio 2.2 UsSsnRecognizer)."""
    assert UsSsnRecognizer().invalidate_result("900-12-3456") is False
    assert normalise_ssn("900-12-3456") is None


def test_same_ssn_in_one_message_counts_once() -> None:
    result = scan_text("SSN: 123-45-6780\nSSN again: 123-45-6780\nspouse 234-56-7890")
    assert result.ssns == {"123-45-6780", "234-56-7890"}
    assert [h.kind for h in result.hits].count("us_ssn") == 2
    assert all("6780" not in h.value_hash for h in result.hits)


def test_credit_cards_need_a_valid_luhn_checksum() -> None:
    assert "credit_card" in scan_text("card 4111 1111 1111 1111").kinds
    assert "credit_card" not in scan_text("card 4111 1111 1111 1112").kinds


def test_passport_and_date_of_birth_need_their_context_word() -> None:
    kinds = scan_text("Passport No. 123456789, DOB: 04/07/1981").kinds
    assert {"passport", "date_of_birth"} <= set(kinds)
    assert scan_text("Ticket 123456789 issued 04/07/1981").kinds == []


def test_itinerary_is_found_once_per_message() -> None:
    result = scan_text(ITINERARY)
    assert result.itinerary
    assert [h.kind for h in result.hits].count("itinerary") == 1


@pytest.mark.parametrize(
    "text",
    [
        "The travel policy was updated; book through the approved agency only.",
        "Meeting in room UA 12 on 12 Jun 2023.",  # airline-like token, no route or hotel
        "We flew SFO -> NRT last year.",  # route without a flight
        "Hotel: Park Hyatt Sydney, 3 nights",  # hotel without a flight
    ],
)
def test_non_itineraries(text: str) -> None:
    assert not scan_text(text).itinerary


@pytest.mark.parametrize(
    "text",
    ["SECRET//NOFORN", "(CONFIDENTIAL) Readout", "SENSITIVE BUT UNCLASSIFIED", "SBU", "CUI"],
)
def test_markings(text: str) -> None:
    assert scan_text(f"{text}\n\nSUBJECT: talks").marking


@pytest.mark.parametrize(
    "text",
    [
        "a secret recipe",
        "Confidential between us",
        "UNCLASSIFIED",
        "CONFIDENTIALITY NOTICE",
        "CUISINE",
    ],
)
def test_not_markings(text: str) -> None:
    assert not scan_text(text).marking


def test_analyzer_runs_without_any_nlp_model() -> None:
    analyzer = build_analyzer()
    assert type(analyzer.nlp_engine).__name__ == "NoOpNlpEngine"
    assert "US_SSN" in analyzer.get_supported_entities()


@pytest.mark.parametrize(
    "text",
    [
        "Social Security Number: 123-45-6780",
        "Parent's SS# 123-45-6780 matches the file.",
        "SSN provided on the form: 123-45-6780",
        "soc. sec. 123-45-6780",
    ],
)
def test_ssn_keyword_in_the_five_words_before(text: str) -> None:
    assert scan_text(text).ssns == {"123-45-6780"}


@pytest.mark.parametrize(
    "text",
    [
        "Order no. 720-11-8075 has been approved for payment.",
        "Badge request number 514-75-2105.",
        # a keyword one sentence earlier does not vouch for a case number
        "Records we received with a mistyped SSN: 672-00-9574 was returned.\n"
        "Case reference 799-37-5707 is closed.",
        "Tissn 123-45-6780",  # keyword inside another word
    ],
)
def test_ssn_shaped_numbers_without_their_keyword_are_not_ssns(text: str) -> None:
    assert scan_text(text).ssns == frozenset()
