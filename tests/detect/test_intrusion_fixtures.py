"""Every intrusion rule on small committed fixtures in raw export shapes (Management API
JSON lines, Graph directoryAudits and signIns, Sentinel Graph activity, Extractor-Suite
inbox-rule CSV, Entra users download), read through ingest: an intrusion tenant where each
rule fires on the right entities, and a tenant of benign admin work where none is high.
These run in a clone without ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.detect.engine import DetectRun
from tests.detect.expect import HIGH, Expect, described, detect_evidence, matching, unexpected_high

FIXTURES = Path(__file__).parent / "fixtures"
D = "@example.org"
ACTOR = f"ivan{D}"
EVIL_APP = "c0d39cee-71f3-4ea0-9f2c-d2e3f405162d"

INTRUSION = (
    Expect("MS-PASSWORD-SPRAY", "high", users=(f"alice{D}", ACTOR), ips=("203.0.113.77",)),
    Expect("MS-PASSWORD-SPRAY", "medium", ips=("192.0.2.50",)),
    Expect("MS-MFA-SWEEP", "high", users=(ACTOR,), says=("android, ios, linux, macos",)),
    Expect("MS-RECON-TOOL-SIGNIN", "high", users=(ACTOR,), says=("AzureHound",)),
    Expect("MS-MFA-FATIGUE", "high", users=(f"judy{D}",)),
    Expect("MS-GRAPH-ENUMERATION", "medium", users=(ACTOR,)),
    Expect("MS-AUDIT-TAMPERING", "high", users=(ACTOR,), says=("ingestion disabled",)),
    Expect("MS-AUDIT-TAMPERING", "high", mailboxes=(f"bob{D}",), says=("bypass",)),
    Expect("MS-AUDIT-TAMPERING", "high", mailboxes=(f"carol{D}",), says=("auditing disabled",)),
    Expect("MS-AUDIT-RETENTION-SHORTENED", "high", mailboxes=(f"bob{D}",)),
    Expect("MS-AUDIT-LICENSE-REMOVED", "high", mailboxes=(f"bob{D}",)),
    Expect("MS-DLP-POLICY-REMOVED", "high", users=(ACTOR,), says=("Outbound Finance Data",)),
    Expect(
        "MS-APPLICATION-IMPERSONATION",
        "high",
        apps=(EVIL_APP,),
        says=("ApplicationImpersonation", f"mallory{D}"),
    ),
    Expect(
        "MS-MAILBOX-PERMISSION-GRANT",
        "high",
        mailboxes=(f"alice{D}", f"dave{D}"),
        users=(f"mallory{D}",),
        says=("Default on dave@example.org:\\inbox",),
    ),
    Expect(
        "MS-SEND-AS-GRANT",
        "medium",
        mailboxes=(f"alice{D}",),
        users=(f"mallory{D}",),
        says=("may send as", "may send on behalf of"),
    ),
    Expect("MS-MAILBOX-FORWARDING", "high", mailboxes=(f"alice{D}",), says=("drop.box@proton.me",)),
    Expect("MS-LEGACY-PROTOCOL-ENABLED", "medium", mailboxes=(f"alice{D}",)),
    Expect(
        "MS-INBOX-RULE-BEC",
        "high",
        mailboxes=(f"alice{D}",),
        says=("'.' moves mail to rss feeds and marks it read", "outside the tenant"),
    ),
    Expect("MS-INBOX-RULE-EXPORTED", "high", mailboxes=(f"bob{D}",), says=("drop.box@proton.me",)),
    Expect("MS-PRIVILEGED-ROLE-ADDED", "high", users=(ACTOR, f"mallory{D}")),
    Expect("MS-ADMIN-ROLE-REMOVED", "medium", users=(f"admin{D}",)),
    Expect("MS-MASS-USER-DELETION", "medium", users=(ACTOR, f"staff0{D}")),
    Expect("MS-MFA-DISABLED", "high", users=(ACTOR,), says=("their own",)),
    Expect("MS-AUTH-METHOD-CHANGED", "medium", users=(ACTOR, f"judy{D}")),
    Expect("MS-CONSENT-POLICY-OPENED", "high", users=(ACTOR,)),
    Expect("MS-APP-REGISTERED-EXFIL-TOOL", "high", users=(ACTOR,), says=("rclone",)),
    Expect("MS-APP-CREDENTIAL-ADDED", "high", users=(ACTOR,), says=("service principal",)),
    Expect("MS-APP-MAIL-PERMISSION", "high", apps=(EVIL_APP,)),
    Expect("MS-FEDERATION-CHANGED", "high", says=("sso.example-partner.net",)),
)

BENIGN_QUIET = (
    Expect("MS-MAILBOX-PERMISSION-GRANT", "medium", mailboxes=(f"shared.finance{D}",)),
    Expect("MS-MAILBOX-PERMISSION-GRANT", "low", mailboxes=(f"carol{D}",), says=(":\\calendar",)),
    Expect("MS-MAILBOX-FORWARDING", "low", mailboxes=(f"dave{D}",), says=("(inside)",)),
    Expect(
        "MS-INBOX-RULE-BEC", "low", mailboxes=(f"erin{D}",), says=("frank@example.org (inside)",)
    ),
    Expect("MS-PRIVILEGED-ROLE-ADDED", "low", users=(f"grace{D}",), says=("Reports Reader",)),
    Expect("MS-AUTH-METHOD-CHANGED", "low", users=(f"heidi{D}",)),
    Expect("MS-FEDERATION-CHANGED", "low", says=("add unverified domain",)),
)
SILENT_ON_BENIGN = (
    "MS-PASSWORD-SPRAY",
    "MS-MFA-SWEEP",
    "MS-GRAPH-ENUMERATION",
    "MS-AUDIT-TAMPERING",
    "MS-AUDIT-RETENTION-SHORTENED",
    "MS-APPLICATION-IMPERSONATION",
    "MS-CONSENT-POLICY-OPENED",
    "MS-APP-CREDENTIAL-ADDED",
    "MS-APP-MAIL-PERMISSION",
    "MS-LEGACY-PROTOCOL-ENABLED",
    "MS-INBOX-RULE-EXPORTED",
    "MS-MASS-USER-DELETION",
)


@pytest.fixture(scope="module")
def intrusion(tmp_path_factory: pytest.TempPathFactory) -> DetectRun:
    case = tmp_path_factory.mktemp("intrusion") / "case"
    return detect_evidence(case, [FIXTURES / "intrusion"])


@pytest.fixture(scope="module")
def benign(tmp_path_factory: pytest.TempPathFactory) -> DetectRun:
    return detect_evidence(tmp_path_factory.mktemp("benign") / "case", [FIXTURES / "benign"])


@pytest.mark.parametrize("expect", INTRUSION, ids=lambda e: f"{e.rule}:{e.severity}")
def test_intrusion_found(intrusion: DetectRun, expect: Expect) -> None:
    seen = [described(f) for f in intrusion.findings if f.rule_id == expect.rule]
    assert matching(intrusion, expect), f"{expect} not among {seen}"


def test_intrusion_nothing_else_high(intrusion: DetectRun) -> None:
    assert intrusion.by_status("error") == []
    assert unexpected_high(intrusion, INTRUSION) == []


def test_benign_admin_work_is_never_high(benign: DetectRun) -> None:
    assert benign.by_status("error") == []
    assert [described(f) for f in benign.findings if f.severity in HIGH] == []


@pytest.mark.parametrize("expect", BENIGN_QUIET, ids=lambda e: f"{e.rule}:{e.severity}")
def test_benign_work_reads_low_or_medium(benign: DetectRun, expect: Expect) -> None:
    seen = [described(f) for f in benign.findings if f.rule_id == expect.rule]
    assert matching(benign, expect), f"{expect} not among {seen}"


@pytest.mark.parametrize("rule", SILENT_ON_BENIGN)
def test_rule_silent_on_benign(benign: DetectRun, rule: str) -> None:
    assert [described(f) for f in benign.findings if f.rule_id == rule] == []
