"""Where benign traffic comes from when it is not the office: travellers at posts abroad,
an office egressing through a cloud proxy shared by all its staff, and commercial VPNs.

Each is a look-alike for address-based detections (new country, hosting/VPN provider, one
address used by many accounts), yet every read comes from a session the reader signed in
to from that same address.
"""

from __future__ import annotations

import random
from datetime import timedelta

from mailscope.simulate.ids import IdSource
from mailscope.simulate.lookalikes.cast import POSTS, Trip
from mailscope.simulate.lookalikes.devices import new_outlook_session
from mailscope.simulate.networks import CLOUD_PROXY_IPS, VPN_EXITS
from mailscope.simulate.reads import read_mail
from mailscope.simulate.world import World

# Hours east of UTC at each post in May-July (daylight saving where it applies).
UTC_OFFSET = {"JP": 9, "KR": 9, "BE": 2, "PH": 8, "ID": 7, "CH": 2, "SG": 8, "AU": 10}


def trip(world: World, rng: random.Random, ids: IdSource, journey: Trip) -> None:
    """Days working from a post abroad, in local office hours, from the hotel network (or,
    some days, through a commercial VPN while abroad)."""
    person = world.org.by_upn[journey.upn]
    hotel_ip = f"192.0.2.{200 + POSTS.index(journey.post) * 6 + rng.randrange(6)}"
    ips = {hotel_ip}
    for offset in range(journey.days):
        day = world.start + timedelta(days=journey.first + offset)
        if day.weekday() >= 5 and rng.random() < 0.6:
            continue
        # Local 09:00; in East Asia that is 00:00-01:00 UTC, inside Storm-0558's hours.
        hour = (9 - UTC_OFFSET[journey.post.country]) % 24
        start = day + timedelta(hours=hour, seconds=rng.randrange(0, 3600))
        ip, place = hotel_ip, journey.post
        if rng.random() < 0.2:
            ip, place = VPN_EXITS[rng.randrange(len(VPN_EXITS))]
            ips.add(ip)
        session = new_outlook_session(
            world, rng, ids, person, ip=ip, place=place, start=start, hours=6
        )
        for _ in range(rng.randrange(3, 7)):
            at = start + timedelta(seconds=rng.randrange(120, 6 * 3600))
            read_mail(world, rng, ids, session, owner=person, when=at)
    world.evidence.distractor(
        "traveller",
        f"working from {journey.post.city} ({journey.post.country}) in local office hours "
        "with interactive sign-ins from the hotel network (or a VPN) behind every read",
        upn=person.upn,
        ips=sorted(ips),
    )


def list_shared_egress(world: World) -> None:
    """Name the cloud-proxy office and the commercial-VPN users in the distractors."""
    proxied = [p.upn for p in world.org.people if p.office_ip in CLOUD_PROXY_IPS]
    if proxied:
        world.evidence.distractor(
            "corporate-egress",
            "a whole office egresses through a cloud security proxy: many accounts sign in "
            "and read mail from the same two addresses",
            ips=list(CLOUD_PROXY_IPS),
            users=proxied,
        )
    for index, (ip, place) in enumerate(VPN_EXITS):
        users = [p.upn for p in world.org.people if p.vpn_exit == index]
        if users:
            world.evidence.distractor(
                "commercial-vpn",
                f"staff working from home through a commercial VPN exit in {place.city} "
                f"(AS{place.asn}); the sign-in and the reads both come from the exit",
                ips=[ip],
                users=users,
            )
