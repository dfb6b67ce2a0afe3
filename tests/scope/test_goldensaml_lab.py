"""The otrf-goldensaml lab (labs/otrf-goldensaml, SimuLand "Golden SAML AD FS mail access"):
a forged SAML token signs in as pgustavo, who adds a secret to the SimuLandApp registration
and grants it Mail.ReadWrite; the app then reads pgustavo's inbox through Graph (one
MailItemsAccessed record, 7 items). The story: one chain from the credential to the mail,
one mailbox in scope, its messages exposed, the app as the actor's, pgustavo as the account
the actor acted through."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailscope.detect.engine import detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.scope.run import scope_case
from mailscope.store.case import open_case
from tests.paths import sample

APP = "5a95e683-08ad-424e-a441-1d1aec52c02c"  # SimuLandApp's app id (ClientAppId)
VICTIM = "pgustavo@simulandlabs.com"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    evidence = sample("labs/otrf-goldensaml")
    case = tmp_path_factory.mktemp("goldensaml") / "case"
    ingest(case, [evidence])
    detect_case(case)
    document: dict[str, Any] = json.loads(scope_case(case).read_text())
    return case, document


def test_scope_is_the_one_mailbox_the_app_read(lab: tuple[Path, dict[str, Any]]) -> None:
    _, document = lab
    boxes = document["compromised_mailboxes"]
    assert [b["upn"] for b in boxes] == [VICTIM]
    box = boxes[0]
    assert box["tier"] == "confirmed"
    # 7 items read; the dataset's anonymisation gave two of them the same Message-ID
    assert box["evidence"][0]["records"] == 7
    assert len(box["exposed_message_ids"]) == 6
    assert "new credential" in box["why"] and APP in box["why"]


def test_actor_is_the_app_and_the_account_it_was_armed_by(
    lab: tuple[Path, dict[str, Any]],
) -> None:
    _, document = lab
    actor = document["actor"]
    assert APP in actor["app_ids"]
    assert actor["accounts"] == [VICTIM]


def test_credential_then_mail_chain_is_a_finding(lab: tuple[Path, dict[str, Any]]) -> None:
    case, _ = lab
    connection = open_case(case)
    try:
        rows = connection.execute(
            "SELECT rule_id, severity, apps, mailboxes FROM findings "
            "WHERE rule_id = 'MS-APP-CREDENTIAL-THEN-MAIL'"
        ).fetchall()
    finally:
        connection.close()
    assert [(r[1], r[2], r[3]) for r in rows] == [("high", [APP], [VICTIM])]
