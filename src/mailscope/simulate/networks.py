"""Where traffic comes from: office and home networks, a cloud proxy shared by a whole
office, commercial VPN exits, phone carriers, hotels abroad and Microsoft's own services.

Benign addresses are from the RFC 5737 documentation ranges unless the point of the
look-alike is that the address belongs to a real kind of network (a cloud proxy, a VPN
provider, Microsoft); those are addresses of the providers named, none of them in the
Storm-0558 indicator lists.
"""

from __future__ import annotations

from mailscope.simulate.places import Place

# A cloud security proxy (Zscaler, AS22616) egressing a whole office from two addresses in
# its Washington node: hundreds of sign-ins and mailbox reads of many users share them.
CLOUD_PROXY = Place("Washington", "District of Columbia", "US", 22616, 38.9072, -77.0369)
CLOUD_PROXY_IPS = ("165.225.8.117", "165.225.8.118")

# Commercial VPN exits some staff use from home: M247 (AS9009, used by NordVPN and
# Surfshark), Datacamp (AS60068, used by ProtonVPN and others) and Cloudflare WARP
# (AS13335, IPv6); the sign-in and the reads both come from the exit.
VPN_EXITS: tuple[tuple[str, Place], ...] = (
    ("146.70.199.84", Place("Frankfurt am Main", "Hesse", "DE", 9009, 50.1109, 8.6821)),
    ("89.187.170.143", Place("Amsterdam", "North Holland", "NL", 60068, 52.3676, 4.9041)),
    ("2a09:bac5:5a3::9:1f", Place("Ashburn", "Virginia", "US", 13335, 39.0438, -77.4874)),
    ("146.70.52.201", Place("New York", "New York", "US", 9009, 40.7128, -74.0060)),
)

# Phone carriers (the phone's own sign-ins come from here; CGNAT addresses are shared).
CARRIERS: tuple[tuple[str, Place], ...] = (
    ("198.18.40.", Place("Washington", "District of Columbia", "US", 6167, 38.9, -77.03)),
    ("198.18.90.", Place("Arlington", "Virginia", "US", 21928, 38.88, -77.1)),
)

# Outlook for iOS and Android reads the mailbox from Microsoft's cloud, not from the phone
# (Microsoft, "Outlook for iOS and Android in Exchange Online: FAQ"; the architecture moved
# to Microsoft 365 in 2016-2018): its MailItemsAccessed records carry service addresses.
# Most are inside the published Exchange Online ranges; some come from Azure addresses
# that are in no Microsoft 365 list.
OUTLOOK_SERVICE_IPS = (
    "2603:1036:303:2818::5",
    "2603:1036:302:4033::5",
    "2603:1036:301:7f1::5",
    "52.97.146.133",
)
OUTLOOK_SERVICE_AZURE_IPS = ("20.42.65.88", "20.49.104.13")


def office_ips(office: int, network: int = 0) -> tuple[str, ...]:
    """Egress NAT addresses of an office, from 203.0.113.0/24 (RFC 5737) for the default
    organisation; the other organisations of a campaign (``network`` > 0) each have their
    own /24 of the benchmarking range 198.19.0.0/16 (RFC 2544)."""
    if network:
        return tuple(f"198.19.{network % 128}.{10 + office * 8 + k}" for k in range(4))
    return tuple(f"203.0.113.{10 + office * 8 + k}" for k in range(4))


def home_ip(index: int, network: int = 0) -> str:
    """A residential address for person ``index`` from 198.51.100.0/24 and 192.0.2.0/24
    (another organisation's staff: a /24 of 198.19.128.0/17)."""
    if network:
        return f"198.19.{128 + network % 128}.{10 + index % 240}"
    if index < 240:
        return f"198.51.100.{10 + index}"
    return f"192.0.2.{10 + (index - 240) % 200}"


def carrier_ip(index: int) -> tuple[str, Place]:
    """A phone's carrier address (benchmarking range 198.18.0.0/15, RFC 2544)."""
    prefix, place = CARRIERS[index % len(CARRIERS)]
    return f"{prefix}{10 + index % 240}", place
