"""Match store values against indicators: IPs exactly or inside a CIDR, strings exactly."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from mailscope.intel.ioc import Indicator

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class Matcher:
    """Indicators of one hunt family, indexed for lookup of store values."""

    kind: str
    exact: dict[str, list[Indicator]] = field(default_factory=dict)
    networks: list[tuple[IPNetwork, Indicator]] = field(default_factory=list)

    @classmethod
    def build(cls, kind: str, indicators: Iterable[Indicator]) -> Matcher:
        """Index ``indicators`` (all of family ``kind``)."""
        matcher = cls(kind)
        for indicator in indicators:
            if kind == "ip" and "/" in indicator.value:
                network = ipaddress.ip_network(indicator.value, strict=False)
                matcher.networks.append((network, indicator))
            else:
                matcher.exact.setdefault(matcher.key(indicator.value), []).append(indicator)
        return matcher

    def key(self, value: str) -> str:
        """Comparison form: case-folded for ids and client strings, canonical for IPs."""
        value = value.strip()
        if self.kind == "ip":
            try:
                return str(ipaddress.ip_address(value))
            except ValueError:
                return value.lower()
        if self.kind in ("token-id", "session-id"):
            return value  # opaque, case-sensitive identifiers
        return value.casefold()

    def match(self, value: object) -> list[Indicator]:
        """Indicators that ``value`` (a store cell) matches, in a stable order."""
        if value is None:
            return []
        text = str(value)
        found = list(self.exact.get(self.key(text), ()))
        if self.networks:
            try:
                address = ipaddress.ip_address(text.strip())
            except ValueError:
                address = None
            if address is not None:
                found.extend(ind for net, ind in self.networks if address in net)
        return sorted(set(found), key=lambda i: (i.type, i.value, str(i.valid_from)))
