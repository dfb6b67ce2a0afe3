"""A grant's severity follows where it came from: routine administration from the account's
usual network is medium, the same grant from elsewhere (or with no sign-ins to judge by)
stays high."""

from __future__ import annotations

import orjson
import pytest

from mailscope.detect.events import (
    ACTOR_IP,
    EVIL_APP,
    OFFICE_IP,
    access,
    at,
    audit,
    directory_audit,
    merge,
    signin,
)
from mailscope.detect.registry import builtin_detections
from mailscope.detect.rule import RuleTest
from mailscope.detect.rule_tests import run_rule_test

RULES = {d.id: d for d in builtin_detections()}
NAT_PEER = OFFICE_IP.rsplit(".", 1)[0] + ".250"
_ROLE = orjson.dumps(
    [
        {"name": "AppRole.Value", "new": "full_access_as_app"},
        {"name": "ServicePrincipal.AppId", "new": EVIL_APP},
    ]
).decode()


def _history(upn: str, days: tuple[float, ...] = (1, 2, 3)) -> list[dict[str, object]]:
    return [signin(time=at(d), upn=upn, user_id=upn, ip=OFFICE_IP) for d in days]


def _grant(ip: str) -> dict[str, object]:
    return directory_audit(
        "Add app role assignment to service principal.",
        time=at(5),
        modified_properties=_ROLE,
        initiated_by_ip=ip,
    )


def _impersonation(ip: str) -> dict[str, object]:
    return audit(
        "New-ManagementRoleAssignment",
        time=at(5),
        client_ip=ip,
        parameters='{"Role":"ApplicationImpersonation","User":"svc@example.org"}',
    )


def _severity(rule: str, rows: object) -> list[str]:
    result = run_rule_test(RULES[rule], RuleTest("case", rows, True))  # type: ignore[arg-type]
    assert result.findings, result.problem
    return [f.severity for f in result.findings]


@pytest.mark.parametrize(
    ("ip", "history", "expected"),
    [
        (OFFICE_IP, (1, 2, 3), "medium"),  # the admin's usual office network
        (NAT_PEER, (1, 2, 3), "medium"),  # another address of the office's NAT pool
        (ACTOR_IP, (1, 2, 3), "high"),  # same admin, an address never seen for them
        (OFFICE_IP, (), "high"),  # no sign-in evidence to judge the address by
        (OFFICE_IP, (4.5,), "high"),  # one earlier day is not a habit yet
    ],
)
def test_app_mail_permission_severity_by_origin(
    ip: str, history: tuple[float, ...], expected: str
) -> None:
    rows = merge(_grant(ip), *_history("admin@example.org", history))
    assert _severity("MS-APP-MAIL-PERMISSION", rows) == [expected]


@pytest.mark.parametrize(
    ("ip", "history", "expected"),
    [(OFFICE_IP, (1, 2, 3), "medium"), (ACTOR_IP, (1, 2, 3), "high"), (OFFICE_IP, (), "high")],
)
def test_impersonation_severity_by_origin(
    ip: str, history: tuple[float, ...], expected: str
) -> None:
    rows = merge(_impersonation(ip), *_history("alice@example.org", history))
    assert _severity("MS-APPLICATION-IMPERSONATION", rows) == [expected]


def _office(accounts: int, block: str = "192.0.2") -> list[dict[str, object]]:
    """One sign-in each of ``accounts`` colleagues from the office block (NAT pool)."""
    return [
        signin(time=at(1), upn=f"u{n}@example.org", user_id=f"u{n}@example.org", ip=f"{block}.{n}")
        for n in range(1, accounts + 1)
    ]


def test_the_organisations_office_network_is_familiar_to_every_account() -> None:
    grant = directory_audit(
        "Add app role assignment to service principal.",
        time=at(5),
        modified_properties=_ROLE,
        initiated_by_ip="192.0.2.200",  # a new admin, first day, from the office
    )
    assert _severity("MS-APP-MAIL-PERMISSION", merge(grant, *_office(6))) == ["medium"]
    # four colleagues are not an office: a shared VPN exit or a small coworking space
    assert _severity("MS-APP-MAIL-PERMISSION", merge(grant, *_office(4))) == ["high"]


def test_microsoft_service_addresses_are_never_an_office_network() -> None:
    """Outlook mobile and other Microsoft services sign many users in from Microsoft's own
    ranges; attackers on Azure hosts share those ranges, so they vouch for nobody."""
    grant = directory_audit(
        "Add app role assignment to service principal.",
        time=at(5),
        modified_properties=_ROLE,
        initiated_by_ip="40.97.130.200",
    )
    rows = merge(grant, *_office(8, block="40.97.130"))
    assert _severity("MS-APP-MAIL-PERMISSION", rows) == ["high"]


@pytest.mark.parametrize(("ip", "expected"), [(OFFICE_IP, "medium"), (ACTOR_IP, "high")])
def test_credential_then_mail_severity_by_origin(ip: str, expected: str) -> None:
    """A backup app's secret rotated by its admin from the office, the app reading on as
    before, is routine; the same change from an address the admin never used is not."""
    credential = directory_audit(
        "Add service principal credentials.", time=at(5), target_ids=EVIL_APP, initiated_by_ip=ip
    )
    read = access(time=at(5.5), app_id=EVIL_APP, user_id="sp")
    rows = merge(credential, read, *_history("admin@example.org"))
    assert _severity("MS-APP-CREDENTIAL-THEN-MAIL", rows) == [expected]


def test_the_audit_logs_address_less_copy_of_a_grant_neither_vouches_nor_accuses() -> None:
    copy = audit(
        "Add app role assignment to service principal.",
        time=at(5),
        workload="AzureActiveDirectory",
        user_id="admin@example.org",
        client_ip=None,
        raw=orjson.dumps(
            {
                "ModifiedProperties": [
                    {"Name": "AppRole.Value", "NewValue": "full_access_as_app"},
                    {"Name": "ServicePrincipal.AppId", "NewValue": EVIL_APP},
                ]
            }
        ).decode(),
    )
    familiar = merge(_grant(OFFICE_IP), copy, *_history("admin@example.org"))
    assert _severity("MS-APP-MAIL-PERMISSION", familiar) == ["medium"]
    alone = merge(copy, *_history("admin@example.org"))  # only the copy: nothing to judge by
    assert all(s == "high" for s in _severity("MS-APP-MAIL-PERMISSION", alone))
