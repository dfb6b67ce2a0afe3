"""IOC file import: CSV, TXT and STIX, sniffed by content, with errors that name the line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mailscope.errors import Location, RuleError
from mailscope.intel.lists import infer_type, read_ioc_file

STIX = """{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
 "objects": [
  {"type": "indicator", "spec_version": "2.1",
   "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
   "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
   "pattern": "[ipv4-addr:value = '203.0.113.0/24'] OR APP",
   "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
   "valid_until": "2024-02-01T00:00:00Z", "name": "actor VPS"},
  {"type": "indicator", "spec_version": "2.1",
   "id": "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
   "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
   "pattern": "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
   "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"}
 ]}""".replace("APP", "[x-entra-app:app_id = '3F2A9C1E-0B7D-4E57-9A40-5C2B1D7E8F60']")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_csv_with_first_last_seen(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "list.txt",  # the name says txt; the content says CSV
        "type,value,first_seen,last_seen,role\nipv4-addr,198.51.100.7,2023-01-02,"
        "2023-01-05,vps\nuser-agent,evil/1.0,,,\n",
    )
    loaded = read_ioc_file(path)
    assert loaded.format == "csv"
    ip, agent = loaded.iocs.indicators
    assert (ip.value, ip.valid_from, ip.valid_until, ip.role) == (
        "198.51.100.7",
        date(2023, 1, 2),
        date(2023, 1, 5),
        "vps",
    )
    assert agent.valid_from is None and agent.in_window(None)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ipv4-addr,999.1.1.1,,", "bad ipv4-addr"),
        ("colour,blue,,", "unknown indicator type"),
        ("ipv4-addr,1.2.3.4,2023-02-01,2023-01-01", "ends before it starts"),
        ("ipv4-addr,1.2.3.4,yesterday,", "bad date"),
        ("app-id,not-a-guid,,", "not a GUID"),
    ],
)
def test_csv_errors_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = write(
        tmp_path,
        "iocs.csv",
        "type,value,valid_from,valid_until\n1.2.3.4x,,,\n".replace("1.2.3.4x,,,\n", "")
        + "ipv4-addr,192.0.2.1,,\n"
        + row
        + "\n",
    )
    with pytest.raises(RuleError, match=message) as error:
        read_ioc_file(path)
    assert error.value.location == Location(str(path), 3)


def test_txt_infers_types(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "iocs.txt",
        "# actor\n203.0.113.9\n2001:db8::/32\n"
        "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60\nCustomAgent/2.0 (x)\n",
    )
    kinds = [(i.type, i.value) for i in read_ioc_file(path).iocs.indicators]
    assert kinds == [
        ("ipv4-addr", "203.0.113.9"),
        ("ipv6-addr", "2001:db8::/32"),
        ("app-id", "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60"),
        ("user-agent", "CustomAgent/2.0 (x)"),
    ]
    assert infer_type("d4b4cccda9228624656bff33d8110955779632aa") == "x509-thumbprint"


def test_stix_bundle_import_reports_what_it_skips(tmp_path: Path) -> None:
    loaded = read_ioc_file(write(tmp_path, "feed.json", STIX))
    assert loaded.format == "stix"
    found = sorted((i.type, i.value) for i in loaded.iocs.indicators)
    assert found == [
        ("app-id", "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60"),
        ("ipv4-addr", "203.0.113.0/24"),
    ]
    first = loaded.iocs.indicators[0]
    assert (first.valid_from, first.valid_until) == (date(2024, 1, 1), date(2024, 1, 31))
    assert len(loaded.skipped) == 1 and "file:hashes.MD5" in loaded.skipped[0]


def test_not_an_ioc_file(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="not valid JSON"):
        read_ioc_file(write(tmp_path, "x.json", "{nope"))
    with pytest.raises(RuleError, match="not a mailscope IOC pack"):
        read_ioc_file(write(tmp_path, "y.json", '{"a": 1}'))
