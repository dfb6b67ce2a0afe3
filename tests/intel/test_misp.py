"""MISP JSON event exports (MISP core format) and their agreement with MISP's CSV export.

``fixtures/misp_event.json`` and ``fixtures/misp_export.csv`` are one event written both
ways (``Event.Attribute`` and ``Event.Object[].Attribute``; CSV per ``CsvExport.php``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mailscope.errors import Location, RuleError
from mailscope.intel.lists import read_ioc_file

FIXTURES = Path(__file__).parent / "fixtures"


def key(indicator: object) -> tuple[str, ...]:
    names = ("type", "value", "valid_from", "valid_until", "strength")
    return tuple(str(getattr(indicator, name)) for name in names)


def test_event_attributes_and_object_attributes() -> None:
    loaded = read_ioc_file(FIXTURES / "misp_event.json")
    assert loaded.format == "misp" and loaded.errors == ()
    found = [(i.type, i.value, i.strength) for i in loaded.iocs.indicators]
    assert found == [
        ("ipv4-addr", "203.0.113.10", "strong"),
        ("ipv4-addr", "198.51.100.23", "strong"),
        ("ipv4-addr", "203.0.113.77", "strong"),
        ("user-agent", "MailSyncer/2.1 (compatible; x64)", "corroborating"),  # to_ids false
        ("ipv6-addr", "2001:db8:85a3::8a2e:370:7334", "strong"),
        ("ipv4-addr", "203.0.113.99", "strong"),
        ("x509-thumbprint", "cd1b5069963d9878f92f1cfbe77f8912cdd5b2ed", "strong"),
    ]
    first, *_, in_object, _ = loaded.iocs.indicators
    assert first.source == "Mailbox-reading VPS and tooling (mailscope test fixture)"
    assert (first.role, in_object.role) == ("token web panel", "ip-port")
    assert len(loaded.skipped) == 7 and sum(n for _, n in loaded.not_hunted) == 7
    # Each entry is named by the line of its uuid in the export.
    assert loaded.skipped[0].startswith(f"{FIXTURES / 'misp_event.json'}:79: domain ")


def test_json_and_csv_exports_of_one_event_give_the_same_indicators() -> None:
    from_json = read_ioc_file(FIXTURES / "misp_event.json")
    from_csv = read_ioc_file(FIXTURES / "misp_export.csv")
    assert [key(i) for i in from_json.iocs.indicators] == [key(i) for i in from_csv.iocs.indicators]
    assert from_json.not_hunted == from_csv.not_hunted


def test_rest_search_windows_deleted_and_refused_attributes() -> None:
    path = FIXTURES / "misp_restsearch.json"
    loaded = read_ioc_file(path, collect_errors=True)
    relay, agent = loaded.iocs.indicators
    assert (relay.value, relay.valid_from, relay.valid_until, relay.role) == (
        "192.0.2.44",
        date(2023, 6, 1),
        date(2023, 6, 20),
        "relay",
    )
    assert (agent.type, agent.strength, agent.valid_from) == (
        "user-agent",
        "strong",
        date(2023, 6, 6),
    )
    assert loaded.skipped == (
        f"{path}:59: vulnerability 'CVE-2023-23397': context, not hunted",
        f"{path}:78: deleted attribute",
    )
    assert [(e.location, e.message) for e in loaded.errors] == [
        (Location(str(path), 40), "bad IP address 'not-an-ip' for type 'ip-dst'"),
        (Location(str(path), 97), "value '192.0.2.46' of type 'ip-dst|port' has no '|' separator"),
        (Location(str(path), 116), "unknown indicator type 'mail-header-hash'"),
    ]
    with pytest.raises(RuleError, match=r"not-an-ip.*\(and 2 more refused entries\)"):
        read_ioc_file(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"response": [{"Attribute": []}]}', "MISP response item 1 holds no Event"),
        ('{"Event": {"Attribute": ["1.2.3.4"]}}', "MISP attribute is not a JSON object"),
    ],
)
def test_malformed_exports_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(text, "utf-8")
    with pytest.raises(RuleError, match=message):
        read_ioc_file(path)
