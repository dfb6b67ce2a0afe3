"""Fast checks of the mgmt_api generator: determinism, consistency of evidence and truth."""

from __future__ import annotations

import hashlib
import json
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from tests.independent.mgmt_api import build
from tests.independent.mgmt_api.model import uti_for
from tests.independent.mgmt_api.ssn import find_ssns, is_valid

USERS, DAYS = 60, 14


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("mixed")
    return out, build(out, "mixed", 3, USERS, DAYS)


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _mail(root: Path) -> dict[str, dict[str, Any]]:
    """upn -> Message-ID -> parsed message, from the written .eml files."""
    out: dict[str, dict[str, Any]] = {}
    for path in (root / "evidence" / "mailboxes").rglob("*.eml"):
        upn = path.relative_to(root / "evidence" / "mailboxes").parts[0]
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        out.setdefault(upn, {})[str(message["Message-ID"])] = message
    return out


def _records(root: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted((root / "evidence" / "ual").glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def test_same_seed_same_tenant(tmp_path: Path) -> None:
    first = build(tmp_path / "a", "forged-bind", 7, 30, 7)
    second = build(tmp_path / "b", "forged-bind", 7, 30, 7)
    assert first == second
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    build(tmp_path / "c", "forged-bind", 8, 30, 7)
    assert _digest(tmp_path / "c") != _digest(tmp_path / "a")


def test_only_evidence_and_truth_are_written(mixed: tuple[Path, dict[str, Any]]) -> None:
    out, _ = mixed
    assert sorted(p.name for p in out.iterdir()) == ["evidence", "truth.json"]
    assert {p.name for p in (out / "evidence").iterdir()} == {"entra", "mailboxes", "ual"}


def test_every_read_message_is_in_its_mailbox(mixed: tuple[Path, dict[str, Any]]) -> None:
    out, truth = mixed
    mail = _mail(out)
    for entry in truth["compromised_mailboxes"]:
        assert set(entry["exposed_message_ids"]) <= set(mail[entry["upn"]])
    for record in _records(out):
        if record["Operation"] == "MailItemsAccessed":
            owner = record["MailboxOwnerUPN"]
            for folder in record["Folders"]:
                for item in folder.get("FolderItems", []):
                    assert item["InternetMessageId"] in mail[owner]


def test_ssn_total_matches_a_recount_of_the_eml_files(mixed: tuple[Path, dict[str, Any]]) -> None:
    out, truth = mixed
    mail = _mail(out)
    everything: set[str] = set()
    for entry in truth["compromised_mailboxes"]:
        found: set[str] = set()
        for message_id in entry["exposed_message_ids"]:
            message = mail[entry["upn"]][message_id]
            body = message.get_body(("plain",)).get_content()
            found |= find_ssns(str(message["Subject"]) + "\n" + body)
        assert len(found) == entry["sensitive"]["us_ssn"]
        everything |= found
    assert len(everything) == truth["totals"]["us_ssn"] > 0


def test_mixed_has_bind_sync_and_a_throttled_window(mixed: tuple[Path, dict[str, Any]]) -> None:
    out, truth = mixed
    basis = [m["exposure_basis"] for m in truth["compromised_mailboxes"]]
    assert any(b["bind"] for b in basis) and any(b["sync"] for b in basis)
    assert any(b["throttled"] for b in basis)
    throttled = [
        r
        for r in _records(out)
        if r["Operation"] == "MailItemsAccessed" and r["OperationProperties"][1]["Value"] == "True"
    ]
    assert throttled


def test_forged_tokens_are_in_no_sign_in_log(mixed: tuple[Path, dict[str, Any]]) -> None:
    out, truth = mixed
    logged: set[str] = set()
    for path in (out / "evidence" / "entra").glob("*SignIns.json"):
        logged |= {
            s["uniqueTokenIdentifier"] for s in json.loads(path.read_text(encoding="utf-8-sig"))
        }
    assert truth["actor"]["token_ids"]
    assert not logged & set(truth["actor"]["token_ids"])


def test_no_intrusion_has_empty_truth(tmp_path: Path) -> None:
    truth = build(tmp_path, "none", 2, 30, 7)
    assert truth["intrusion"] is False
    assert truth["compromised_mailboxes"] == [] and truth["actor"]["ips"] == []
    assert len(truth["lookalikes"]) >= 10


def test_ssa_rules_and_keyword_rule() -> None:
    assert is_valid("123-45-6789")
    assert not any(
        is_valid(n)
        for n in ("000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000")
    )
    assert find_ssns("Employee SSN: 123-45-6789") == {"123-45-6789"}
    assert find_ssns("Order no. 123-45-6789 shipped") == set()
    assert find_ssns("SSN: 666-12-3456; call 202-555-0136") == set()


def test_unique_token_identifier_matches_the_real_sample() -> None:
    # ServicePrincipal sign-in in ../shared/samples (Microsoft-Extractor-Suite export).
    assert uti_for("0c532507-b101-4090-b2f1-4d768e2f3500") == "ByVTDAGxkECy8U12ji81AA"
