"""What varies from one tenant to the next: shares, sizes, hours and naming, drawn per seed.

Real tenants differ in how many staff use desktop Outlook or the web, how many read mail
on a phone, how much mail they keep, when their working day starts, whether an office
egresses through a cloud proxy, and what their folders are called. The simulator draws
these once per seed so that detections are tested against many tenants, not one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class TenantProfile:
    """Seed-drawn knobs every generator reads; nothing here changes what truth can state."""

    department_jitter: tuple[float, ...]  # per-department weight multiplier
    desktop_share: float  # staff whose usual client is desktop Outlook (rest: OWA)
    home_share: float  # chance a working day is worked from home
    phone_share: float  # staff who read mail on a phone
    apple_mail_share: float  # of phone users, those on the native Mail app (ActiveSync)
    second_device_share: float  # staff with a second computer (home laptop)
    third_device_share: float  # of those, staff with a third (lab or annex desktop)
    vpn_share: float  # staff who use a commercial VPN at home
    localised_share: float  # mailboxes whose well-known folders are localised
    mail_volume: tuple[int, int]  # messages per exported mailbox (min, max)
    work_start_utc: float  # typical start of the working day, hours UTC
    proxied_office: int | None  # office whose traffic egresses through a cloud proxy
    travellers: int  # staff abroad during the period
    new_laptops: int  # re-imaged laptops re-syncing every folder
    subfolders: dict[str, str]  # role -> user-created folder name under the Inbox
    # Share of aggregated reads Exchange writes without AppAccessContext (not every record
    # is stamped with linkable identifiers; Entra docs), so absent ids are benign.
    untokened_share: float


# User-created folders are named by their owners; a tenant settles on one spelling.
SUBFOLDER_NAMES: dict[str, tuple[str, ...]] = {
    "travel": ("Travel", "Trips", "Travel Plans"),
    "cables": ("Cables", "Diplomatic Cables", "Reporting Cables"),
    "hr": ("HR", "Personnel", "HR and Benefits"),
}


def draw_profile(rng: random.Random, departments: int, offices: int) -> TenantProfile:
    """One tenant's profile; every draw comes from ``rng`` in a fixed order."""
    return TenantProfile(
        department_jitter=tuple(round(rng.uniform(0.7, 1.3), 3) for _ in range(departments)),
        desktop_share=rng.uniform(0.45, 0.8),
        home_share=rng.uniform(0.15, 0.45),
        phone_share=rng.uniform(0.3, 0.7),
        apple_mail_share=rng.uniform(0.1, 0.35),
        second_device_share=rng.uniform(0.15, 0.45),
        third_device_share=rng.uniform(0.1, 0.3),
        vpn_share=rng.uniform(0.02, 0.08),
        localised_share=rng.uniform(0.0, 0.15),
        mail_volume=(rng.randrange(50, 90), rng.randrange(120, 220)),
        work_start_utc=rng.uniform(11.5, 13.5),
        proxied_office=rng.randrange(offices) if rng.random() < 0.7 else None,
        travellers=rng.randrange(2, 7),
        new_laptops=rng.randrange(1, 4),
        subfolders={role: rng.choice(names) for role, names in SUBFOLDER_NAMES.items()},
        untokened_share=rng.uniform(0.06, 0.18),
    )
