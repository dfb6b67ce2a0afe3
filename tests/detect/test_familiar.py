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
