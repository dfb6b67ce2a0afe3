"""Address pools: corporate egress, VPNs, homes, carriers, hotels, clouds and the actor's VPS.

Prefixes and autonomous systems are those of the kinds of networks named in IR write-ups
(Storm-0558 worked through VPS and proxy providers; Outlook mobile syncs from Microsoft's
cloud; backup and CASB vendors run on public clouds). Host parts vary with the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.independent.mgmt_api.model import Place, World

# name: (prefixes, city, ASN)
POOLS: dict[str, tuple[tuple[str, ...], str, int]] = {
    "corp": (("152.148.77",), "Washington", 395111),
    "corp_vpn": (("152.148.90",), "Ashburn", 395111),
    "post_tokyo": (("210.130.178",), "Tokyo", 2516),
    "post_brussels": (("193.191.164",), "Brussels", 5432),
    "home_us": (("73.133", "98.204", "71.178", "108.31"), "Arlington", 7922),
    "home_tokyo": (("126.72", "126.209"), "Tokyo", 17676),
    "home_brussels": (("81.244", "81.246"), "Brussels", 5432),
    "mobile_us": (("172.56", "172.58"), "Washington", 21928),
    "mobile_tokyo": (("49.98", "49.106"), "Tokyo", 9605),
    "hotel_singapore": (("116.88",), "Singapore", 3758),
    "hotel_jakarta": (("114.124",), "Jakarta", 7713),
    "hotel_manila": (("112.198",), "Manila", 9299),
    "hotel_canberra": (("1.144",), "Canberra", 1221),
    "hotel_berlin": (("91.64",), "Berlin", 3320),
    "hotel_paris": (("90.84",), "Paris", 3215),
    "hotel_seoul": (("211.36",), "Seoul", 4766),
    "outlook_service": (("52.96", "40.97", "52.125"), "Boydton", 8075),
    "microsoft_dynamics": (("40.76", "52.188"), "Boydton", 8075),
    "power_platform": (("20.42", "20.49"), "Boydton", 8075),
    "backup_vendor": (("3.140", "18.220", "54.156"), "Columbus", 16509),
    "casb_vendor": (("34.120", "35.236"), "Los Angeles", 396982),
    "migration_vendor": (("20.61", "20.86"), "Amsterdam", 8075),
    "azure_functions": (("20.119",), "Ashburn", 8075),
    "commercial_vpn": (("185.156.46", "185.220.70"), "Amsterdam", 9009),
    "vps_vultr": (("45.76", "45.77", "139.180"), "Singapore", 20473),
    "vps_digitalocean": (("139.59", "159.223"), "Frankfurt", 14061),
    "vps_m247": (("185.236.200", "89.38.225"), "Hong Kong", 9009),
    "vps_hostwinds": (("192.119", "142.11"), "Los Angeles", 54290),
}
TRAVEL_POOLS = {
    "Singapore": "hotel_singapore",
    "Jakarta": "hotel_jakarta",
    "Manila": "hotel_manila",
    "Canberra": "hotel_canberra",
    "Berlin": "hotel_berlin",
    "Paris": "hotel_paris",
    "Seoul": "hotel_seoul",
}
ACTOR_POOLS = ("vps_vultr", "vps_digitalocean", "vps_m247", "vps_hostwinds")


@dataclass
class Networks:
    """Allocates addresses from the pools and records their location for sign-ins."""

    world: World

    def ip(self, pool: str) -> str:
        """A fresh address in ``pool`` (repeats are possible and harmless)."""
        prefixes, city, asn = POOLS[pool]
        prefix = self.world.rng.choice(prefixes)
        parts = prefix.split(".")
        while len(parts) < 4:
            parts.append(str(self.world.rng.randrange(2, 254)))
        address = ".".join(parts)
        self.world.geo.setdefault(address, Place(address, city, asn))
        return address

    def ips(self, pool: str, n: int) -> list[str]:
        seen: list[str] = []
        while len(seen) < n:
            address = self.ip(pool)
            if address not in seen:
                seen.append(address)
        return seen

    def home_v6(self) -> str:
        """An IPv6 home address (Comcast-style), as real ClientIPAddress values sometimes are."""
        rng = self.world.rng
        groups = ["2601", f"{rng.randrange(0x100, 0xFFF):x}"] + [
            f"{rng.randrange(0, 0xFFFF):x}" for _ in range(6)
        ]
        address = ":".join(groups)
        self.world.geo.setdefault(address, Place(address, "Arlington", 7922))
        return address
