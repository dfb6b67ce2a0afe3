"""Build one independent tenant: evidence under ``out/evidence``, truth in ``out/truth.json``."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from tests.independent.mgmt_api import admins, audit, intrusion, services, writer
from tests.independent.mgmt_api.benign_users import Activity
from tests.independent.mgmt_api.intrusion import SCENARIOS
from tests.independent.mgmt_api.mailboxes import build_mail
from tests.independent.mgmt_api.model import World
from tests.independent.mgmt_api.networks import Networks
from tests.independent.mgmt_api.people import build_people
from tests.independent.mgmt_api.throttle import apply_throttling
from tests.independent.mgmt_api.truth import compute_truth

__all__ = ["SCENARIOS", "build"]

FIRST_MONDAY = datetime(2023, 3, 6, tzinfo=UTC)


def build(
    out: Path,
    scenario: str,
    seed: int,
    users: int = 200,
    days: int = 28,
    *,
    sp_signins: bool = True,
    signin_lag_days: int = 0,
) -> dict[str, Any]:
    """Generate the tenant for ``scenario`` and ``seed``; return (and write) its truth.

    ``sp_signins=False`` leaves out the service-principal sign-in file (a real gap);
    ``signin_lag_days=K`` starts the sign-in exports K days after the audit log's.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; expected one of {SCENARIOS}")
    rng = random.Random(f"mgmt_api:{scenario}:{seed}")
    start = FIRST_MONDAY + timedelta(
        days=7 * random.Random(f"mgmt_api:start:{seed}").randrange(0, 20)
    )
    world = World(rng=rng, start=start, days=days)
    nets = Networks(world)
    build_people(world, nets, users)
    build_mail(world)
    activity = Activity(world, nets)
    activity.plan()
    activity.run()
    admin_list = admins.admin_changes(world, activity)
    console = admins.AdminConsole(world, activity, admin_list[1])
    admins.ediscovery(world, activity)
    admins.routine_directory(world, activity, admin_list)
    admins.internal_app(world, activity, admin_list[0], nets.ips("azure_functions", 2))
    services.backup(world, nets)
    services.casb(world, nets, admin_list[0], activity.corp[0])
    services.migration(world, nets, console)
    services.crm_sync(world, nets)
    services.power_automate(world, nets)
    services.managed_identity(world, nets)
    actor = intrusion.stage(world, nets, scenario)
    _sign_in_copies(world)
    throttles = apply_throttling(world)
    truth = compute_truth(world, scenario, seed, actor, throttles)
    _lookalike_notes(world, sp_signins, signin_lag_days)
    evidence = out / "evidence"
    if evidence.exists():
        shutil.rmtree(evidence)
    evidence.mkdir(parents=True)
    writer.write_ual(world, evidence)
    writer.write_entra(world, evidence, signin_lag_days, sp_signins)
    writer.write_mailboxes(world, evidence)
    (out / "truth.json").write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2))
    return truth


def _sign_in_copies(world: World) -> None:
    """UserLoggedIn / UserLoginFailed copies of interactive sign-ins (the audit log keeps
    them after Entra's 30 days)."""
    for signin in world.signins.get("interactive", []):
        person = world.person(signin["userPrincipalName"])
        world.records.append(audit.user_logged_in(world, signin, person))


def _lookalike_notes(world: World, sp_signins: bool, lag: int) -> None:
    if lag:
        world.lookalikes.append(
            {
                "kind": "signin-export-lag",
                "upns": [],
                "ips": [],
                "app_ids": [],
                "note": f"Sign-in exports begin {lag} day(s) after the audit export (Entra keeps "
                "30 days, the audit log far longer): earlier tokens of every user are "
                "in no sign-in log.",
            }
        )
    if not sp_signins:
        world.lookalikes.append(
            {
                "kind": "no-service-principal-signins",
                "upns": [],
                "ips": [],
                "app_ids": [],
                "note": "The service-principal sign-in file was not exported: every app-only "
                "token (backup, CASB, internal apps) is in no sign-in log.",
            }
        )
    world.lookalikes.append(
        {
            "kind": "records-without-appaccesscontext",
            "upns": [],
            "ips": [],
            "app_ids": [],
            "note": "About 15% of MailItemsAccessed and Send records of every kind carry no "
            "AppAccessContext, as Exchange omits it on some aggregated records.",
        }
    )
