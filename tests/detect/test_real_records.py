"""The intrusion rules on the real sample evidence of ../shared/samples (apart from the
labs, see test_labs.py): what they must find there, at which severity, and what they must
leave alone (benign admin work, Microsoft's own provisioning, unrelated changes)."""

from __future__ import annotations

import pytest

from mailscope.detect.engine import DetectRun
from tests.detect.expect import Expect, described, detect_evidence, matching
from tests.paths import sample

FOLDERS = ("ual", "entra", "defender", "exchange", "messagetrace")

FOUND = (
    # huntress CTF tenant: 38 one-character rules hiding mail from one address, one incident
    Expect(
        "MS-INBOX-RULE-BEC",
        "high",
        mailboxes=("debrab@m365b132131.onmicrosoft.com",),
        ips=("185.73.124.135",),
        says=("37 rules", "moves mail to conversation history and marks it read"),
    ),
    # Management API UpdateInboxRules forwarding inside the mailbox owner's domain
    Expect("MS-INBOX-RULE-BEC", "low", users=("user1",), says=("user.name@mail.fr (inside)",)),
    # Extractor-Suite export: rule '..' forwarding to a free-mail address
    Expect(
        "MS-INBOX-RULE-EXPORTED", "high", mailboxes=("fortunahodan",), says=("hacker@gmail.com",)
    ),
    Expect("MS-PRIVILEGED-ROLE-ADDED", "high", users=("user1", "john.doe@example.com")),
    Expect("MS-ADMIN-ROLE-REMOVED", "medium", users=("john.doe@example.com",)),
    # Event Hub: SMTP.SendAsApp application permission given to an app
    Expect("MS-APP-MAIL-PERMISSION", "high", apps=("77777777-7777-7777-7777-777777777777",)),
    # OTRF Golden SAML: delegated Mail.ReadWrite for all principals
    Expect("MS-APP-MAIL-PERMISSION", "high", users=("pgustavo@simulandlabs.com",)),
    Expect("MS-APP-CREDENTIAL-ADDED", "medium", says=("SimuLandApp",)),
    Expect("MS-AUTH-METHOD-CHANGED", "low", users=("davism@bonacu.onmicrosoft.com",)),
    Expect("MS-FEDERATION-CHANGED", "low", says=("examplecorp.onmicrosoft.com",)),
)

SILENT = (
    "MS-AUDIT-TAMPERING",  # only AdminAuditLogEnabled True in huntress / msticpy
    "MS-AUDIT-RETENTION-SHORTENED",
    "MS-AUDIT-LICENSE-REMOVED",  # 74 Graph 'Update user' records, none touching audit
    "MS-DLP-POLICY-REMOVED",
    "MS-PASSWORD-SPRAY",  # msticpy sign-ins: 2 failures of 6 users; sekoia: one failure
    "MS-MFA-SWEEP",
    "MS-MFA-FATIGUE",
    "MS-RECON-TOOL-SIGNIN",
    "MS-GRAPH-ENUMERATION",  # three Event Hub Graph requests
    "MS-MFA-DISABLED",  # phone-app detail updates are not MFA disabled
    "MS-MASS-USER-DELETION",  # three deletions over hours
    "MS-APP-REGISTERED-EXFIL-TOOL",
    "MS-CONSENT-POLICY-OPENED",
    "MS-APPLICATION-IMPERSONATION",
    "MS-SEND-AS-GRANT",
    "MS-LEGACY-PROTOCOL-ENABLED",
    "MS-MAILBOX-FORWARDING",  # system Set-Mailbox on arbitration mailboxes
)


@pytest.fixture(scope="module")
def samples_run(tmp_path_factory: pytest.TempPathFactory) -> DetectRun:
    paths = [sample(folder) for folder in FOLDERS]
    return detect_evidence(tmp_path_factory.mktemp("samples") / "case", paths)


@pytest.mark.parametrize("expect", FOUND, ids=lambda e: f"{e.rule}:{e.severity}")
def test_found_on_real_records(samples_run: DetectRun, expect: Expect) -> None:
    seen = [described(f) for f in samples_run.findings if f.rule_id == expect.rule]
    assert matching(samples_run, expect), f"{expect} not among {seen}"


@pytest.mark.parametrize("rule", SILENT)
def test_silent_on_real_records(samples_run: DetectRun, rule: str) -> None:
    assert [described(f) for f in samples_run.findings if f.rule_id == rule] == []


def test_microsoft_provisioning_is_no_credential_change(samples_run: DetectRun) -> None:
    """Purview 'Add service principal.' by JIT provisioning carries a Credential, and a Graph
    'Create application – Certificates and secrets' with no key: neither adds a secret."""
    credentials = [f for f in samples_run.findings if f.rule_id == "MS-APP-CREDENTIAL-ADDED"]
    assert [f.explanation for f in credentials if "SimuLandApp" not in f.explanation] == []


def test_msticpy_admin_grants_stay_low(samples_run: DetectRun) -> None:
    grants = [
        f
        for f in samples_run.findings
        if f.rule_id == "MS-MAILBOX-PERMISSION-GRANT" and str(f.first_seen).startswith("2020")
    ]
    assert grants and {f.severity for f in grants} == {"low"}
