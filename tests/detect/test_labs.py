"""The det-eng-samples lab (labs/det-eng-samples): 23 techniques staged in real tenants.
Each technique is found by its rule, naming the right account, target or grantee, and no
other high finding fires on those files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.detect.engine import DetectRun
from tests.detect.expect import Expect, described, detect_evidence, matching, unexpected_high
from tests.paths import sample

LAB = "labs/det-eng-samples/dataset"
C = "@contoso.onmicrosoft.com"
STINGER = f"stinger{C}"

TECHNIQUES: dict[str, tuple[Expect, ...]] = {
    "1 MSOLSpray (PowerShell), then a success": (
        Expect("MS-PASSWORD-SPRAY", "high", users=(f"lidia{C}",), ips=("2a09:bac1:820:8::1a:9c",)),
    ),
    "2 MSOLSpray (Python), then a success": (
        Expect(
            "MS-PASSWORD-SPRAY", "high", users=(f"lidia{C}",), ips=("2a09:bac5:111:105::1a:89",)
        ),
    ),
    "2b MSOLSpray with success (classic CSV export)": (
        Expect(
            "MS-PASSWORD-SPRAY", "high", users=(f"miriam{C}",), ips=("2a09:bac5:113:105::1a:a7",)
        ),
    ),
    "3 o365spray default module (no account signed in)": (
        Expect(
            "MS-PASSWORD-SPRAY", "medium", users=(f"johanna{C}",), ips=("2a09:bac5:114:105::1a:9b",)
        ),
    ),
    "4 o365spray reporting module, then successes": (
        Expect("MS-PASSWORD-SPRAY", "high", users=(f"lynne{C}",), ips=("104.28.196.199",)),
        Expect(
            "MS-PASSWORD-SPRAY",
            "high",
            ips=("2a09:bac1:820:8::1a:9c",),
            details={"hits": f"henrietta{C}"},
        ),
    ),
    "5 MFASweep": (Expect("MS-MFA-SWEEP", "high", users=(f"lidia{C}",), ips=("104.28.196.199",)),),
    "6 AzureHound": (
        Expect("MS-RECON-TOOL-SIGNIN", "high", users=(f"lidia{C}",), says=("AzureHound",)),
    ),
    "7 mailbox audit bypass": (
        Expect("MS-AUDIT-TAMPERING", "high", users=(STINGER,), mailboxes=(f"alex{C}",)),
    ),
    "8 mailbox audit log age limit zero": (
        Expect(
            "MS-AUDIT-RETENTION-SHORTENED",
            "high",
            users=(STINGER,),
            mailboxes=(f"alex{C}",),
            says=("00:00:00",),
        ),
    ),
    "9 unified audit log ingestion disabled": (
        Expect("MS-AUDIT-TAMPERING", "high", users=(STINGER,), says=("ingestion disabled",)),
    ),
    "10 Company Administrator role added": (
        Expect(
            "MS-PRIVILEGED-ROLE-ADDED",
            "high",
            users=(STINGER, f"alex{C}"),
            says=("Company Administrator",),
        ),
        Expect("MS-PRIVILEGED-ROLE-ADDED", "high", users=(f"deltatango{C}",)),
    ),
    "11 POP and IMAP enabled": (
        Expect("MS-LEGACY-PROTOCOL-ENABLED", "medium", mailboxes=(f"barbara{C}",)),
        Expect("MS-LEGACY-PROTOCOL-ENABLED", "medium", mailboxes=(f"lidia{C}",)),
    ),
    "12 external forwarding (Set-Mailbox)": (
        Expect("MS-MAILBOX-FORWARDING", "high", users=(f"matt{C}",), says=("bla@bla.com",)),
        Expect("MS-MAILBOX-FORWARDING", "high", says=("johndoe@gmail.com",)),
    ),
    "13 inbox rule updated to move invoices to Deleted Items": (
        Expect("MS-INBOX-RULE-BEC", "high", users=(f"matt{C}",), says=("'Accounts' deletes mail",)),
    ),
    "14 inbox rule deleting mail": (
        Expect("MS-INBOX-RULE-BEC", "high", users=(STINGER,), says=("'Direct' deletes mail",)),
    ),
    "14b mark-as-read-and-move and forwarding rules, 16 months later": (
        Expect(
            "MS-INBOX-RULE-BEC",
            "high",
            users=(STINGER,),
            says=("moves mail to archive and marks it read", "alpha@localhost.com"),
        ),
        Expect("MS-INBOX-RULE-BEC", "high", users=(f"adam{C}",), says=("alpha@localhost.com",)),
        Expect("MS-INBOX-RULE-BEC", "high", users=("stinger@contoso.com",), says=("'.' deletes",)),
    ),
    "15 FullAccess delegation": (
        Expect(
            "MS-MAILBOX-PERMISSION-GRANT",
            "medium",
            users=(STINGER, f"lidia{C}"),
            mailboxes=(f"henrietta{C}",),
        ),
        Expect("MS-MAILBOX-PERMISSION-GRANT", "medium", mailboxes=("vic@contoso.com",)),
    ),
    "16 SendAs delegation (grantee from Trustee)": (
        Expect(
            "MS-SEND-AS-GRANT",
            "medium",
            users=(STINGER,),
            mailboxes=(f"henrietta{C}",),
            details={"grantees": "311b45d6-1a3e-46ac-8434-721367961e19"},
        ),
    ),
    "17 MFA disabled": (Expect("MS-MFA-DISABLED", "high", users=(STINGER,), says=("their own",)),),
    "18 ApplicationImpersonation through New-RoleGroup": (
        Expect(
            "MS-APPLICATION-IMPERSONATION",
            "high",
            users=(STINGER,),
            apps=("0a1b7ab4-e3c2-4e75-93ad-6ea6d16cffbf",),
            says=("BadAppImpersonate",),
        ),
    ),
    "19 admin removed from a role": (
        Expect("MS-ADMIN-ROLE-REMOVED", "medium", users=(STINGER, f"alex{C}")),
    ),
    "20 advanced auditing licence removed": (
        Expect("MS-AUDIT-LICENSE-REMOVED", "high", users=(STINGER,), mailboxes=(f"matt{C}",)),
    ),
    "21 DLP policy removed": (Expect("MS-DLP-POLICY-REMOVED", "medium", users=(STINGER,)),),
    "22 user consent opened to any app": (
        Expect("MS-CONSENT-POLICY-OPENED", "high", users=(STINGER,), says=("any app",)),
    ),
    "23 rclone app registration": (
        Expect("MS-APP-REGISTERED-EXFIL-TOOL", "high", users=(STINGER,), says=("rclone",)),
    ),
    "extra: ten users deleted in a minute": (
        Expect("MS-MASS-USER-DELETION", "medium", users=(f"deltatango{C}",)),
    ),
}
EXPECTED = [expect for expects in TECHNIQUES.values() for expect in expects]


@pytest.fixture(scope="module")
def lab_run(tmp_path_factory: pytest.TempPathFactory) -> DetectRun:
    dataset = sample(LAB)
    return detect_evidence(tmp_path_factory.mktemp("lab") / "case", [Path(dataset)])


@pytest.mark.parametrize("technique", list(TECHNIQUES))
def test_technique_found(lab_run: DetectRun, technique: str) -> None:
    for expect in TECHNIQUES[technique]:
        seen = [described(f) for f in lab_run.findings if f.rule_id == expect.rule]
        assert matching(lab_run, expect), f"{expect} not among {seen}"


def test_nothing_else_high(lab_run: DetectRun) -> None:
    assert lab_run.by_status("error") == []
    assert unexpected_high(lab_run, EXPECTED) == []


def test_incidents_sixteen_months_apart_are_two_findings(lab_run: DetectRun) -> None:
    stinger = [
        f for f in lab_run.findings if f.rule_id == "MS-INBOX-RULE-BEC" and f.users == (STINGER,)
    ]
    years = sorted(str(f.first_seen)[:7] for f in stinger)
    assert years == ["2023-05", "2024-10"]


def test_each_spray_is_its_own_finding(lab_run: DetectRun) -> None:
    sprays = [f for f in lab_run.findings if f.rule_id == "MS-PASSWORD-SPRAY"]
    assert len(sprays) == 6
    assert sorted(f.severity for f in sprays) == ["high"] * 5 + ["medium"]
