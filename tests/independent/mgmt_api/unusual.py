"""Benign but unusual: a user throttled by their own archiving add-in, and new laptops
that sync every folder at once. Both are backed by the user's own sign-ins.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from tests.independent.mgmt_api import reference as ref
from tests.independent.mgmt_api.model import Person
from tests.independent.mgmt_api.signins import CLIENTS, ClientSession

if TYPE_CHECKING:
    from tests.independent.mgmt_api.benign_users import Activity, DayPlan


def heavy_day(activity: Activity, person: Person, plan: DayPlan, sess: ClientSession) -> None:
    """An archiving add-in in desktop Outlook opens >1,000 items in a day: throttled."""
    rng = activity.rng
    items = [(f, m) for f, m in activity.world.mailboxes[person.upn].messages()]
    when = plan.start
    for _ in range(rng.randrange(1080, 1250)):
        folder, message = rng.choice(items)
        when += timedelta(seconds=rng.randrange(20, 75))
        token = sess.token_at(when, plan.ip)
        activity.bind(person, person, sess.client, token, plan.ip, when, [(folder, [message])], 0)
    activity.world.lookalikes.append(
        {
            "kind": "heavy-user-throttled",
            "upns": [person.upn],
            "ips": [plan.ip],
            "app_ids": [ref.OUTLOOK_DESKTOP],
            "note": "An archiving add-in opens over 1,000 items of the owner's own mailbox in "
            "a day; Exchange marks IsThrottled and stops Bind logging for 24 h.",
        }
    )


def new_device(activity: Activity, person: Person, plan: DayPlan) -> None:
    """A new laptop: interactive sign-in, then Outlook syncs every folder at once."""
    fresh = ClientSession(
        activity.world, person, CLIENTS["desktop"], activity.world.guid(), activity.world.guid()
    )
    activity.sessions[(person.upn, "desktop")] = fresh
    when = plan.start + timedelta(minutes=activity.rng.randrange(5, 40))
    token = fresh.token_at(when, plan.ip, interactive=True)
    folders = sorted(activity.world.mailboxes[person.upn].folders)
    activity.sync(
        person, person, fresh.client, token, plan.ip, when + timedelta(minutes=1), folders, 0
    )
    for item in activity.world.lookalikes:
        if item["kind"] == "new-device-full-sync":
            item["upns"].append(person.upn)
            item["ips"] = sorted({*item["ips"], plan.ip})
            return
    activity.world.lookalikes.append(
        {
            "kind": "new-device-full-sync",
            "upns": [person.upn],
            "ips": [plan.ip],
            "app_ids": [ref.OUTLOOK_DESKTOP],
            "note": "A replaced laptop signs in interactively and desktop Outlook syncs every "
            "folder of the mailbox within minutes; the token is in the sign-in log.",
        }
    )
