"""Entra directory audits (Graph ``directoryAudit``) with their Unified Audit Log copies.

Shapes follow ``../shared/samples/entra`` (Graph directoryAudits from Sekoia and
Microsoft-Extractor-Suite, Sentinel AuditLogs from OTRF) and the det-eng-samples lab's
RecordType 8 copies ("Add application.", "Consent to application.").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.independent.mgmt_api import audit
from tests.independent.mgmt_api.model import Person, Record, World

CREDENTIALS = "Update application – Certificates and secrets management "


@dataclass(frozen=True)
class Registration:
    """An application object and its service principal in this tenant."""

    name: str
    app_id: str
    object_id: str
    sp_id: str
    resource: str
    role_id: str
    role_value: str
    multi_tenant: bool


def _when(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond * 10:07d}Z"


def directory_audit(
    world: World,
    when: datetime,
    actor: Person,
    ip: str,
    activity: str,
    category: str,
    operation: str,
    targets: list[Record],
    details: list[tuple[str, str]],
) -> Record:
    """Append and return one Graph directoryAudit initiated by ``actor`` from ``ip``."""
    correlation = world.guid()
    suffix = "".join(world.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(5))
    record = {
        "id": f"Directory_{correlation}_{suffix}_{world.rng.randrange(10**7, 10**8)}",
        "category": category,
        "correlationId": correlation,
        "result": "success",
        "resultReason": "",
        "activityDisplayName": activity,
        "activityDateTime": _when(when.replace(microsecond=world.rng.randrange(10**6))),
        "loggedByService": "Core Directory",
        "operationType": operation,
        "initiatedBy": {
            "user": {
                "id": actor.object_id,
                "displayName": None,
                "userPrincipalName": actor.upn,
                "ipAddress": ip,
                "roles": [],
            },
            "app": None,
        },
        "targetResources": targets,
        "additionalDetails": [{"key": k, "value": v} for k, v in details],
    }
    world.directory_audits.append(record)
    return record


def _target(obj_id: str, name: str, kind: str, props: list[tuple[str, str, str]]) -> Record:
    return {
        "id": obj_id,
        "displayName": name,
        "type": kind,
        "userPrincipalName": None,
        "groupType": None,
        "modifiedProperties": [
            {"displayName": n, "oldValue": old, "newValue": new} for n, old, new in props
        ],
    }


def register_app(
    world: World, when: datetime, actor: Person, ip: str, reg: Registration, user_agent: str
) -> None:
    """App registration, its service principal and an admin-consented app role."""
    access = json.dumps(
        [
            {
                "ResourceAppId": reg.resource,
                "RequiredAppPermissions": [
                    {
                        "EntitlementId": reg.role_id,
                        "DirectAccessGrant": True,
                        "ImpersonationAccessGrants": [],
                    }
                ],
                "EncodingVersion": 1,
            }
        ]
    )
    ua = [("User-Agent", user_agent), ("AppId", reg.app_id)]
    steps = [
        (
            "Add application",
            "Add",
            _target(
                reg.object_id,
                reg.name,
                "Application",
                [
                    ("AppId", "[]", json.dumps([reg.app_id])),
                    ("AvailableToOtherTenants", "[]", json.dumps([reg.multi_tenant])),
                    ("DisplayName", "[]", json.dumps([reg.name])),
                    ("RequiredResourceAccess", "[]", access),
                    (
                        "Included Updated Properties",
                        "",
                        "AppId, AvailableToOtherTenants, DisplayName, RequiredResourceAccess",
                    ),
                ],
            ),
        ),
        (
            "Add service principal",
            "Add",
            _target(
                reg.sp_id,
                reg.name,
                "ServicePrincipal",
                [
                    ("AccountEnabled", "[]", "[true]"),
                    ("AppPrincipalId", "[]", json.dumps([reg.app_id])),
                    ("DisplayName", "[]", json.dumps([reg.name])),
                ],
            ),
        ),
        (
            "Add app role assignment to service principal",
            "Assign",
            _target(
                "401dd906-ea4f-4d41-b762-7e936d222368"
                if reg.resource.startswith("00000003")
                else "7c1a1a51-60b1-4a52-9b79-13c2a3e8d0a4",
                "Microsoft Graph"
                if reg.resource.startswith("00000003")
                else "Office 365 Exchange Online",
                "ServicePrincipal",
                [
                    ("AppRole.Id", "", json.dumps(reg.role_id)),
                    ("AppRole.Value", "", json.dumps(reg.role_value)),
                    ("ServicePrincipal.AppId", "", json.dumps(reg.app_id)),
                    ("ServicePrincipal.ObjectID", "", json.dumps(reg.sp_id)),
                ],
            ),
        ),
        (
            "Consent to application",
            "Assign",
            _target(
                reg.sp_id,
                reg.name,
                "ServicePrincipal",
                [
                    ("ConsentContext.IsAdminConsent", "", '"True"'),
                    ("ConsentContext.IsAppOnly", "", '"True"'),
                    ("ConsentContext.OnBehalfOfAll", "", '"True"'),
                    (
                        "ConsentAction.Permissions",
                        "",
                        f'"[] => [[Id: {world.guid()}, ClientId: {reg.sp_id}, '
                        f"ResourceId: {reg.resource}, ConsentType: AllPrincipals, "
                        f'Scope: {reg.role_value}]]; "',
                    ),
                ],
            ),
        ),
    ]
    for i, (activity, operation, target) in enumerate(steps):
        at = when + timedelta(seconds=40 * i + world.rng.randrange(0, 30))
        category = "ApplicationManagement"
        directory_audit(world, at, actor, ip, activity, category, operation, [target], ua)
        world.records.append(_ual_copy(world, at, actor, activity, target, reg, user_agent))


def add_secret(
    world: World,
    when: datetime,
    actor: Person,
    ip: str,
    reg: Registration,
    key_id: str,
    label: str,
    user_agent: str,
) -> None:
    """A new client secret on the application ("Certificates and secrets management")."""
    target = _target(
        reg.object_id,
        reg.name,
        "Application",
        [
            (
                "KeyDescription",
                "[]",
                json.dumps(
                    [
                        f"[KeyIdentifier={key_id},KeyType=Password,KeyUsage=Verify,"
                        f"DisplayName={label}]"
                    ]
                ),
            ),
            ("Included Updated Properties", "", '"KeyDescription"'),
        ],
    )
    directory_audit(
        world,
        when,
        actor,
        ip,
        CREDENTIALS,
        "ApplicationManagement",
        "Update",
        [target],
        [("User-Agent", user_agent), ("AppId", reg.app_id)],
    )
    world.records.append(_ual_copy(world, when, actor, CREDENTIALS, target, reg, user_agent))


def _ual_copy(
    world: World,
    when: datetime,
    actor: Person,
    activity: str,
    target: Record,
    reg: Registration,
    user_agent: str,
) -> Record:
    name = activity if activity == CREDENTIALS else activity + "."
    kind = target["type"]
    modified = [
        (p["displayName"], p["newValue"] or "", p["oldValue"] or "")
        for p in target["modifiedProperties"]
    ]
    return audit.directory_event(
        world,
        when,
        actor,
        name,
        f"{kind}_{target['id']}",
        modified,
        [
            (f"{kind}_{target['id']}", 2),
            (target["id"], 2),
            (kind, 2),
            (target["displayName"], 1),
            (reg.app_id, 2),
        ],
        kind,
        {"User-Agent": user_agent, "AppId": reg.app_id},
    )


def routine_change(
    world: World, when: datetime, actor: Person, ip: str, subject: Person, user_agent: str
) -> None:
    """Everyday directory upkeep: user updates, group membership, password resets."""
    kind = world.rng.randrange(3)
    if kind == 0:
        activity, category, operation = "Update user", "UserManagement", "Update"
        props = [
            ("Department", json.dumps([subject.department]), json.dumps([subject.department])),
            ("Included Updated Properties", "", '"Department"'),
        ]
    elif kind == 1:
        activity, category, operation = "Add member to group", "GroupManagement", "Assign"
        props = [("Group.DisplayName", "", json.dumps(f"{subject.department} - All Staff"))]
    else:
        activity, category, operation = "Reset user password", "UserManagement", "Update"
        props = []
    target = _target(subject.object_id, subject.display, "User", props)
    target["userPrincipalName"] = subject.upn
    directory_audit(
        world,
        when,
        actor,
        ip,
        activity,
        category,
        operation,
        [target],
        [("User-Agent", user_agent), ("UserType", "Member")],
    )
