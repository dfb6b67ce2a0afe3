"""The bundled Storm-0558 pack: faithful to the published indicators, cited, and as STIX."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from stix2validator import ValidationOptions, validate_string

from mailscope.intel.ioc import storm_0558_pack
from mailscope.intel.lists import read_ioc_file
from mailscope.intel.stix import bundled_stix_text, pack_to_stix, read_stix_bundle
from tests.paths import shared


def test_pack_holds_every_published_indicator() -> None:
    with shared("intel/storm-0558-indicators.csv").open(encoding="utf-8") as handle:
        published = [row[:4] for row in list(csv.reader(handle))[1:]]
    pack = storm_0558_pack()
    assert len(pack.indicators) == len(published) == 44
    ours = sorted([i.type, i.value, str(i.valid_from), str(i.valid_until)] for i in pack.indicators)
    assert ours == sorted(published)


def test_every_indicator_is_cited_and_windowed() -> None:
    pack = storm_0558_pack()
    for indicator in pack.indicators:
        assert indicator.source in pack.sources, indicator
        assert pack.sources[indicator.source]["url"].startswith("https://")
        assert indicator.valid_from and indicator.valid_until and indicator.role


def test_caveats_are_honoured_in_strengths() -> None:
    by_value = {i.value: i for i in storm_0558_pack().indicators}
    assert by_value["Client=REST;Client=RESTSystem;;"].strength == "corroborating"
    assert by_value["1LTMzakihiRla_8z2BEJVXeWMqo"].type == "jwk-kid"
    assert by_value["d4b4cccda9228624656bff33d8110955779632aa"].strength == "strong"
    assert by_value["195.26.87.219"].valid_until == date(2023, 6, 25)


def test_shipped_stix_bundle_is_regenerated_exactly_and_valid() -> None:
    text = pack_to_stix(storm_0558_pack())
    assert text == bundled_stix_text()
    assert pack_to_stix(storm_0558_pack()) == text  # deterministic
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid


def test_stix_round_trip_keeps_every_indicator() -> None:
    back = read_stix_bundle(bundled_stix_text(), location="bundle")
    assert back.skipped == ()

    def key(i: object) -> tuple[str, ...]:
        return tuple(
            str(getattr(i, name))
            for name in ("type", "value", "valid_from", "valid_until", "strength", "source")
        )

    assert sorted(map(key, back.indicators)) == sorted(map(key, storm_0558_pack().indicators))


def test_published_csv_imports_as_a_list(tmp_path: Path) -> None:
    loaded = read_ioc_file(shared("intel/storm-0558-indicators.csv"))
    assert loaded.format == "csv" and len(loaded.iocs.indicators) == 44
    first = loaded.iocs.indicators[0]
    assert first.source == (
        "Microsoft Threat Intelligence, Analysis of Storm-0558 techniques for unauthorized "
        "email access, 2023-07-14"
    )
