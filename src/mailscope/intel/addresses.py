"""Which client addresses can identify actor infrastructure (``data/microsoft_ranges.json``).

An address inside Microsoft 365's published service ranges is Microsoft's own service, and
a non-public address (RFC 1918, link-local …) is shared by whole networks: neither ever
links records to an actor or lists as actor infrastructure.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from importlib.resources import files

import orjson

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _ranges() -> dict[str, tuple[Network, ...]]:
    data = orjson.loads(
        files("mailscope.intel").joinpath("data/microsoft_ranges.json").read_bytes()
    )
    return {
        name: tuple(ipaddress.ip_network(prefix) for prefix in data[name])
        for name in ("microsoft_365", "non_public")
    }


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = value.strip().strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_microsoft_service(value: str) -> bool:
    """The address is inside Microsoft 365's published service ranges."""
    address = _address(value)
    return address is not None and any(address in net for net in _ranges()["microsoft_365"])


@cache
def identifies(value: str) -> bool:
    """Whether ``value`` is a public, non-Microsoft address that may identify a client."""
    address = _address(value)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    nets = _ranges()
    return not any(address in net for net in (*nets["microsoft_365"], *nets["non_public"]))
