"""CSV IOC lists as feeds write them: column and type names, dates, refused entries.

Fixtures (``fixtures/README.md``): a ``DateAdded,IoC,Type`` list, the MISP CSV export
(``CsvExport.php`` default columns), abuse.ch ThreatFox's CSV export and an AlienVault OTX
pulse CSV.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from mailscope.detect.ioc_hunt import ioc_detections
from mailscope.errors import Location, RuleError
from mailscope.intel.lists import IocFile, read_ioc_file
from tests.detect.sigma.store import run

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> IocFile:
    return read_ioc_file(FIXTURES / name, collect_errors=True)


def kinds(loaded: IocFile) -> list[tuple[str, str]]:
    return [(i.type, i.value) for i in loaded.iocs.indicators]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feed.csv"
    path.write_text(text, "utf-8")
    return path


def test_dateadded_ioc_type_list_reads_each_declared_type() -> None:
    # The file: before, every row became a user agent (the header was not seen).
    loaded = load("feed_dateadded.csv")
    assert loaded.format == "csv" and loaded.errors == ()
    assert kinds(loaded) == [
        ("ipv4-addr", "203.0.113.36"),
        ("ipv4-addr", "198.51.100.7"),  # written defanged, 198.51.100[.]7
        ("user-agent", "MailSyncer/2.1"),
        ("app-id", "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60"),
    ]
    assert [i.valid_from for i in loaded.iocs.indicators] == [date(2021, 7, 16)] * 2 + [
        date(2021, 7, 17)
    ] * 2
    assert all(i.valid_until is None for i in loaded.iocs.indicators)
    assert dict(loaded.not_hunted) == {"domain": 1, "url": 1, "file hash": 1}
    # A 40-hex value typed sha1 is a file hash, not the x509 thumbprint its shape suggests.
    assert any(":8: sha1 " in line for line in loaded.skipped)
    assert loaded.skipped[-1].endswith(":9: no value (type 'IP')")


def test_refused_entries_name_file_line_and_type_and_the_rest_is_read() -> None:
    loaded = load("feed_refused.csv")
    assert kinds(loaded) == [("ipv4-addr", "203.0.113.36"), ("ipv4-addr", "203.0.113.38")]
    where = str(FIXTURES / "feed_refused.csv")
    assert [(e.location, e.message) for e in loaded.errors] == [
        (Location(where, 3), "bad IP address 'not-an-ip' for type 'IP'"),
        (Location(where, 4), "unknown indicator type 'filepath1'"),
        (Location(where, 5), "missing indicator type"),
        (Location(where, 6), "bad ipv4-addr value '2001:db8::9' (an IPv6 address)"),
        (Location(where, 7), "bad date '31/12/2021'"),
        (Location(where, 8), "app id '3F2A9C1E-0B7D-4E57-9A40-5C2B1D7E8F6' is not a GUID"),
    ]
    unknown = loaded.errors[1]
    assert unknown.hint and "ipv4-addr or ipv6-addr: ip, ip address, ip-src, ip-dst" in unknown.hint
    assert "user-agent: user-agent, ua" in unknown.hint and "app-id: app-id" in unknown.hint


def test_refused_entries_fail_the_file_by_default() -> None:
    with pytest.raises(RuleError) as error:
        read_ioc_file(FIXTURES / "feed_refused.csv")
    assert error.value.location == Location(str(FIXTURES / "feed_refused.csv"), 3)
    assert error.value.message == (
        "bad IP address 'not-an-ip' for type 'IP' (and 5 more refused entries)"
    )
    assert error.value.hint and "accepted types" in error.value.hint


def test_misp_csv_export_uses_type_not_category_and_the_ids_flag() -> None:
    loaded = load("misp_export.csv")
    assert loaded.format == "csv" and loaded.errors == ()
    assert kinds(loaded) == [
        ("ipv4-addr", "203.0.113.10"),
        ("ipv4-addr", "198.51.100.23"),  # ip-src|port
        ("ipv4-addr", "203.0.113.77"),  # domain|ip
        ("user-agent", "MailSyncer/2.1 (compatible; x64)"),
        ("ipv6-addr", "2001:db8:85a3::8a2e:370:7334"),
        ("ipv4-addr", "203.0.113.99"),  # inside an ip-port object
        ("x509-thumbprint", "cd1b5069963d9878f92f1cfbe77f8912cdd5b2ed"),
    ]
    agent = loaded.iocs.indicators[3]
    assert (agent.strength, agent.role) == ("corroborating", "scripted client")  # to_ids 0
    assert loaded.iocs.indicators[0].valid_from == date(2023, 5, 15)  # date 1684108800
    assert dict(loaded.not_hunted) == {
        "domain": 1,
        "url": 1,
        "file hash": 1,
        "autonomous system": 1,
        "e-mail address": 1,
        "context": 1,
        "host artefact": 1,
    }


def test_threatfox_export_header_in_a_comment_and_ports_dropped() -> None:
    loaded = load("threatfox_recent.csv")
    assert loaded.format == "csv" and loaded.errors == ()
    assert kinds(loaded) == [
        ("ipv4-addr", "203.0.113.45"),
        ("ipv4-addr", "198.51.100.80"),
        ("ipv6-addr", "2001:db8::45"),
    ]
    beacon, sliver, _ = loaded.iocs.indicators
    assert (beacon.valid_from, beacon.valid_until, beacon.role) == (
        date(2024, 7, 16),
        None,
        "Cobalt Strike",
    )
    assert (sliver.valid_from, sliver.valid_until) == (date(2024, 7, 15), date(2024, 7, 16))
    assert sliver.source == "https://threatfox.abuse.ch/ioc/9000003/"
    assert beacon.source == ""  # ThreatFox writes "None" for no reference
    assert dict(loaded.not_hunted) == {"url": 1, "domain": 1, "file hash": 2}
    assert loaded.skipped[0].startswith(f"{FIXTURES / 'threatfox_recent.csv'}:10: url ")


def test_otx_pulse_csv() -> None:
    loaded = load("otx_pulse.csv")
    assert loaded.errors == ()
    assert kinds(loaded) == [
        ("ipv4-addr", "203.0.113.61"),
        ("ipv6-addr", "2001:db8:1::61"),
        ("ipv4-addr", "198.51.100.0/28"),  # CIDR
    ]
    assert loaded.iocs.indicators[0].role == "VPS that synced mailboxes"
    assert dict(loaded.not_hunted) == {
        "domain": 2,
        "url": 1,
        "file hash": 1,
        "e-mail address": 1,
        "TLS or SSH fingerprint": 1,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("IoC,TLP\n203.0.113.1,White\n", "CSV IOC list has no type column (header: IoC, TLP)"),
        ("DateAdded,Address,Type\n7/1/2021,203.0.113.1,IP\n", "CSV IOC list has no value column"),
    ],
)
def test_a_header_without_value_or_type_column_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RuleError, match=re.escape(message)) as error:
        read_ioc_file(path, collect_errors=True)
    assert error.value.location == Location(str(path), 1)
    assert error.value.hint and "one of:" in error.value.hint


def test_column_and_type_names_ignore_case_and_separators(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ioc_value,IndicatorType,First_Seen\n"
        "203.0.113.5,IPV4,2023-05-15T08:00:00Z\n"
        "Tool/1.0,User Agent,1684108800\n",
    )
    loaded = read_ioc_file(path)
    assert kinds(loaded) == [("ipv4-addr", "203.0.113.5"), ("user-agent", "Tool/1.0")]
    assert [i.valid_from for i in loaded.iocs.indicators] == [date(2023, 5, 15)] * 2


def test_threatfox_ip_is_hunted_in_its_window() -> None:
    detection = {d.id: d for d in ioc_detections([FIXTURES / "threatfox_recent.csv"])}[
        "intel:threatfox_recent:ip"
    ]
    row = {
        "record_key": "m1",
        "time": datetime(2024, 7, 15, 23, 0),
        "mailbox_upn": "amb@state.example",
        "user_id": "amb@state.example",
        "client_ip": "198.51.100.80",
    }
    found = run(detection, {"mail_access": [row]})
    assert len(found) == 1 and found[0].severity == "high"
    row["client_ip"] = "198.51.100.81"
    assert run(detection, {"mail_access": [row]}) == []
