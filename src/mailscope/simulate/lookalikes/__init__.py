"""Benign activity that resembles an intrusion, present in every scenario: archiving and
backup apps reading every mailbox app-only, phones, administrators in PowerShell, an
eDiscovery search, travellers abroad, new laptops syncing whole folders, a heavy user who
gets throttled, offices behind a cloud proxy and staff on commercial VPNs. Detections must
stay quiet on all of it."""

from __future__ import annotations

from mailscope.simulate.ids import IdSource
from mailscope.simulate.lookalikes.admins import admin_sessions
from mailscope.simulate.lookalikes.apps import archiver, ews_backup
from mailscope.simulate.lookalikes.cast import Cast, Trip, choose_cast, travel_days
from mailscope.simulate.lookalikes.devices import THROTTLE_THRESHOLD, heavy_user, new_laptop
from mailscope.simulate.lookalikes.ediscovery import ediscovery_case
from mailscope.simulate.lookalikes.mobile import phones
from mailscope.simulate.lookalikes.travel import list_shared_egress, trip
from mailscope.simulate.world import World

__all__ = [
    "THROTTLE_THRESHOLD",
    "Cast",
    "Trip",
    "choose_cast",
    "generate_lookalikes",
    "travel_days",
]


def generate_lookalikes(world: World, cast: Cast) -> None:
    """Emit every look-alike and list it in the truth's ``distractors``."""
    rng = world.config.rng("lookalikes")
    ids = IdSource(world.config.rng("lookalike-ids"))
    archiver(world, rng, ids, cast)
    ews_backup(world, rng, ids, cast)
    phones(world, rng, ids)
    admin_sessions(world, rng, ids)
    ediscovery_case(world, rng, ids, cast)
    for upn in cast.new_laptops:
        new_laptop(world, rng, ids, world.org.by_upn[upn])
    heavy_user(world, rng, ids, world.org.by_upn[cast.heavy_user])
    for journey in cast.trips:
        trip(world, rng, ids, journey)
    list_shared_egress(world)
