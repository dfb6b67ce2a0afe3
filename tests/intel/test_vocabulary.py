"""The type vocabulary: feed, MISP, STIX and plain names map onto mailscope's types."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailscope.errors import Location, RuleError
from mailscope.intel.ioc import make_indicator
from mailscope.intel.vocabulary import accepted_types, resolve_type, type_names


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        # MISP attribute types
        ("ip-src", "203.0.113.1", "ipv4-addr"),
        ("ip-dst", "2001:db8::1", "ipv6-addr"),
        ("ip-src|port", "203.0.113.1|8080", "ipv4-addr"),
        ("ip-dst|port", "2001:db8::1|443", "ipv6-addr"),
        ("domain|ip", "evil.example|203.0.113.1", "ipv4-addr"),
        ("user-agent", "Tool/1.0", "user-agent"),
        ("x509-fingerprint-sha1", "cd1b5069963d9878f92f1cfbe77f8912cdd5b2ed", "x509-thumbprint"),
        ("jarm-fingerprint", "2ad2ad0002ad2ad00042d42d000000", "jarm"),
        # STIX 2.1 object types
        ("ipv4-addr", "203.0.113.1", "ipv4-addr"),
        ("ipv6-addr", "2001:db8::1", "ipv6-addr"),
        # ThreatFox, OTX and free words
        ("ip:port", "203.0.113.1:443", "ipv4-addr"),
        ("ip:port", "[2001:db8::1]:443", "ipv6-addr"),
        ("IP", "203.0.113.0/24", "ipv4-addr"),
        ("IPv4", "203.0.113.1", "ipv4-addr"),
        ("IPv6", "2001:db8::1", "ipv6-addr"),
        ("CIDR", "2001:db8::/48", "ipv6-addr"),
        ("UserAgent", "Tool/1.0", "user-agent"),
        ("User-Agent", "Tool/1.0", "user-agent"),
        ("user_agent", "Tool/1.0", "user-agent"),
        ("AppId", "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60", "app-id"),
        ("Application ID", "3f2a9c1e-0b7d-4e57-9a40-5c2b1d7e8f60", "app-id"),
    ],
)
def test_hunted_names(name: str, value: str, kind: str) -> None:
    assert resolve_type(name, value, location="f:2").kind == kind


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("domain", "domain"),
        ("hostname", "domain"),
        ("domain-name", "domain"),
        ("Domain", "domain"),
        ("url", "url"),
        ("URL", "url"),
        ("md5", "file hash"),
        ("sha1", "file hash"),
        ("sha256", "file hash"),
        ("Hash", "file hash"),
        ("FileHash-SHA256", "file hash"),
        ("sha256_hash", "file hash"),
        ("email-src", "e-mail address"),
        ("Email", "e-mail address"),
        ("email-addr", "e-mail address"),
        ("AS", "autonomous system"),
        ("ASN", "autonomous system"),
        ("autonomous-system", "autonomous system"),
        ("vulnerability", "context"),
    ],
)
def test_recognised_names_that_are_not_hunted(name: str, family: str) -> None:
    resolved = resolve_type(name, "anything", location="f:2")
    assert (resolved.kind, resolved.family) == (None, family)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("colour", "blue", "unknown indicator type 'colour'"),
        ("filepath1", r"\windows\x.sys", "unknown indicator type 'filepath1'"),
        ("", "203.0.113.1", "missing indicator type"),
        ("  ", "evil.example", "missing indicator type"),
        ("IP", "not-an-ip", "bad IP address 'not-an-ip' for type 'IP'"),
        ("ip-src|port", "203.0.113.1", "has no '|' separator"),
    ],
)
def test_refusals_name_the_type_and_never_guess(name: str, value: str, message: str) -> None:
    with pytest.raises(RuleError, match=message.replace("|", r"\|")) as error:
        resolve_type(name, value, location=Location("feed.csv", 7))
    assert error.value.location == Location("feed.csv", 7)


def test_the_hint_lists_every_hunted_name() -> None:
    hint = accepted_types()
    hunted = [entry.name for entry in type_names().values() if entry.kind]
    assert hunted and all(name in hint for name in hunted)
    assert "MISP, STIX, OTX and ThreatFox names of domain, url, file hash" in hint


def test_every_misp_type_in_the_table_is_recognised() -> None:
    # A sample across MISP's categories (describeTypes.json); the table lists them all.
    for name in ("filename|sha256", "regkey|value", "named pipe", "sha512/256", "btc", "snort"):
        assert resolve_type(name, "x", location="f:1").kind is None


@given(st.ip_addresses(v=4), st.integers(min_value=1, max_value=65535))
def test_one_address_however_a_feed_writes_it(address: ipaddress.IPv4Address, port: int) -> None:
    written = [
        ("ip-dst", str(address)),
        ("IPv4", str(address)),
        ("ip-src|port", f"{address}|{port}"),
        ("ip:port", f"{address}:{port}"),
        ("IP", str(address).replace(".", "[.]")),
    ]
    values = set()
    for name, value in written:
        resolved = resolve_type(name, value, location="f:1")
        assert resolved.kind
        values.add(make_indicator(resolved.kind, resolved.value, location="f:1").value)
    assert values == {str(address)}
