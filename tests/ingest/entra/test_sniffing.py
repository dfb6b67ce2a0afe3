"""Entra sniffers claim Entra files by content and leave every other source alone,
Unified Audit Log files above all (the UAL readers own those)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailscope.ingest.readers import entra
from mailscope.ingest.registry import all_readers, sniff
from tests.paths import SAMPLES

FIXTURES = Path(__file__).parent / "fixtures"
UAL_FIXTURES = Path(__file__).parents[1] / "ual" / "fixtures"
HEAD = 64 * 1024

EXPECTED = {
    "eventhub-sekoia.jsonl": "entra_eventhub_json",
    "graph-directoryaudits-sekoia.jsonl": "entra_graph_json",
    "graph-auditlogs-extractor-suite.json": "entra_graph_json",
    "graph-serviceprincipal-signins-extractor-suite.json": "entra_graph_json",
    "graph-managedidentity-signins-extractor-suite.json": "entra_graph_json",
    "sentinel-signinlogs-msticpy.jsonl": "entra_sentinel_json",
    "sentinel-auditlogs-otrf.jsonl": "entra_sentinel_json",
    "eventhub-records-batch.json": "entra_eventhub_json",
    "eventhub-records-batches.jsonl": "entra_eventhub_json",
    "graph-users.json": "entra_graph_json",
    "portal-signins-interactive.csv": "entra_portal_signins_csv",
    "portal-signins-serviceprincipal.csv": "entra_portal_signins_csv",
    "portal-signins.json": "entra_graph_json",
    "sentinel-graphactivity.json": "entra_sentinel_json",
    "sentinel-signinlogs.csv": "entra_sentinel_csv",
    "sentinel-portal-noninteractive.csv": "entra_sentinel_csv",
    "sentinel-portal-serviceprincipal.csv": "entra_sentinel_csv",
    "sentinel-portal-auditlogs.csv": "entra_sentinel_csv",
    "sentinel-portal-graphactivity.csv": "entra_sentinel_csv",
    "sentinel-portal-signinlogs-projection.csv": "entra_sentinel_csv",
    "users-download-legacy.csv": "entra_users_csv",
    "users-download.csv": "entra_users_csv",
}

# UAL shapes written out here so the test does not depend on other readers' fixtures.
UAL_HEADS = {
    "purview csv": b"RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n"
    b'"a1",2023-06-15T04:12:33,50,MailItemsAccessed,avery.lin@contoso.onmicrosoft.com,"{}",\r\n',
    "classic csv": b"CreationDate,UserIds,Operations,AuditData\r\n",
    "management api": b'{"CreationTime":"2023-06-15T04:12:33","Id":"x",'
    b'"Operation":"MailItemsAccessed",'
    b'"RecordType":50,"UserId":"a@b","Workload":"Exchange","AppId":"x","ClientIPAddress":"1.2.3.4"}\n',
    "graph audit query": b'{"value":[{"id":"x","createdDateTime":"2023-06-15T04:12:33Z",'
    b'"auditLogRecordType":"exchangeItem","operation":"MailItemsAccessed","appId":"x",'
    b'"userPrincipalName":"a@b","auditData":{"AppId":"x"}}]}',
    "sentinel officeactivity": b'[{"TimeGenerated":"2023-06-15T04:12:33Z","Type":"OfficeActivity",'
    b'"RecordType":"ExchangeItem","Operation":"MailItemsAccessed","UserId":"a@b",'
    b'"OfficeWorkload":"Exchange","Client_IPAddress":"1.2.3.4"}]',
}


def _entra_files() -> list[Path]:
    fixtures = [p for p in sorted(FIXTURES.iterdir()) if p.name != "README.md"]
    return fixtures + sorted((SAMPLES / "entra").glob("*.*"))


def _other_files() -> list[Path]:
    found = [p for p in sorted(SAMPLES.rglob("*.*")) if p.parent.name != "entra"]
    return [p for p in found if p.name != "README.md"] + sorted(UAL_FIXTURES.glob("*.*"))


def _head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(HEAD)


@pytest.mark.parametrize("path", _entra_files(), ids=lambda p: p.name)
def test_entra_files_are_claimed_by_their_reader(path: Path) -> None:
    found = sniff(_head(path), path.name, all_readers())
    assert found is not None
    assert found.name == EXPECTED[path.name]


@pytest.mark.parametrize("path", _other_files(), ids=lambda p: p.name)
def test_other_sources_are_not_claimed(path: Path) -> None:
    head = _head(path)
    assert [r.name for r in entra.READERS if r.sniff(head, path.name)] == []


@pytest.mark.parametrize("name", sorted(UAL_HEADS))
def test_ual_shapes_are_not_claimed(name: str) -> None:
    head = UAL_HEADS[name]
    assert [r.name for r in entra.READERS if r.sniff(head, "x.json")] == []


def test_file_name_alone_claims_nothing() -> None:
    head = b"just some text\nwith lines\n"
    for name in ("SignInLogs.json", "InteractiveSignIns_2023.csv", "users.csv"):
        assert [r.name for r in entra.READERS if r.sniff(head, name)] == []


def test_bom_and_utf16_heads_are_sniffed() -> None:
    body = (FIXTURES / "portal-signins-interactive.csv").read_text("utf-8-sig")
    for head in (body.encode("utf-8-sig"), body.encode("utf-16")):
        found = sniff(head[:HEAD], "export.csv", entra.READERS)
        assert found is not None and found.name == "entra_portal_signins_csv"
