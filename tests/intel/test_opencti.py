"""STIX 2.1 bundles as OpenCTI exports them (``fixtures/opencti_bundle.json``).

OASIS STIX 2.1 indicator patterns; OpenCTI adds ``x_opencti_*`` properties, its property
extension and custom observables such as ``[user-agent:value = '…']``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mailscope.errors import RuleError
from mailscope.intel.lists import read_ioc_file

BUNDLE = Path(__file__).parent / "fixtures" / "opencti_bundle.json"


def test_indicators_by_pattern_with_windows_and_confidence() -> None:
    loaded = read_ioc_file(BUNDLE, collect_errors=True)
    assert loaded.format == "stix"
    found = [(i.type, i.value, i.strength) for i in loaded.iocs.indicators]
    assert found == [
        ("ipv4-addr", "203.0.113.120", "strong"),
        ("ipv6-addr", "2001:db8:aa::120", "strong"),
        ("user-agent", "MailSyncer/2.1 (compatible; x64)", "medium"),  # confidence 40
        ("ipv4-addr", "198.51.100.120", "strong"),  # network-traffic:dst_ref.value
    ]
    first = loaded.iocs.indicators[0]
    assert (first.valid_from, first.valid_until) == (date(2024, 3, 1), date(2024, 8, 31))
    assert dict(loaded.not_hunted) == {"domain": 1, "url": 1, "file hash": 1}
    assert any("file:hashes.SHA-256: file hash, not hunted" in s for s in loaded.skipped)
    assert any(s.endswith("pattern type 'yara'") for s in loaded.skipped)
    assert len(loaded.skipped) == 4  # the dst_ref.type qualifier is not a skipped entry


def test_a_bad_value_is_refused_with_its_line_and_id() -> None:
    loaded = read_ioc_file(BUNDLE, collect_errors=True)
    (error,) = loaded.errors
    assert str(error.location) == f"{BUNDLE}:317 (indicator--fedfe20c-8761-4881-90aa-fb70a1f744c4)"
    assert error.message == "bad ipv4-addr value '203.0.113.300'"
    with pytest.raises(RuleError, match=r"203\.0\.113\.300"):
        read_ioc_file(BUNDLE)
