"""Inbox and transport rule exports: the real Extractor Suite samples and PowerShell shapes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.exchange.inbox_rules import InboxRulesJsonReader
from mailscope.ingest.readers.exchange.rule_text import addresses, description_actions
from tests.paths import sample

SAMPLES = "exchange/20230926091150_"
COLUMNS = "kind, mailbox_upn, name, enabled, forward_to, redirect_to, delete_message"


def _rules(case: Path, where: str = "TRUE") -> list[tuple[object, ...]]:
    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as connection:
        return connection.execute(
            f"SELECT {COLUMNS} FROM mail_rules WHERE {where} ORDER BY source_line"
        ).fetchall()


def test_mailbox_rules_sample_forwarding_address(tmp_path: Path) -> None:
    [result] = ingest(tmp_path / "case", [sample(SAMPLES + "MailboxRules.csv")]).files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "exchange_inbox_rules_csv",
        1,
        1,
        0,
    )
    assert _rules(tmp_path / "case") == [
        ("inbox", "fortunahodan", "..", True, "hacker@gmail.com", None, None)
    ]


def test_transport_rules_sample_redirect_target(tmp_path: Path) -> None:
    [result] = ingest(tmp_path / "case", [sample(SAMPLES + "TransportRules.csv")]).files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "exchange_transport_rules_csv",
        4,
        4,
        0,
    )
    rows = _rules(tmp_path / "case")
    assert [(r[2], r[3]) for r in rows] == [
        ("etas", True),
        ("adsgsg", False),
        ("gsrfsdfg", False),
        ("temp", False),
    ]
    assert [r[5] for r in rows] == [None, None, None, "hacker@gmail.com"]
    assert {r[0] for r in rows} == {"transport"}


def test_get_inboxrule_json_export(tmp_path: Path) -> None:
    export = tmp_path / "rules.json"
    rules = [
        {
            "MailboxOwnerId": "Jane.Doe@x.example",
            "Name": "RSS cleanup",
            "Enabled": True,
            "ForwardTo": None,
            "RedirectTo": ['"Eve" [SMTP:Eve@Evil.example]'],
            "ForwardAsAttachmentTo": None,
            "DeleteMessage": True,
            "MoveToFolder": "\\RSS Feeds",
            "SubjectContainsWords": ["invoice", "payment"],
            "Description": "If the message:\r\n\tincludes 'invoice'\r\nTake the following actions",
        },
        {
            "MailboxOwnerId": "bob@x.example",
            "Name": "Boss",
            "Enabled": False,
            "ForwardTo": None,
            "RedirectTo": None,
            "ForwardAsAttachmentTo": ["audit@x.example"],
            "DeleteMessage": False,
            "MoveToFolder": None,
        },
    ]
    export.write_text(json.dumps(rules, indent=2), encoding="utf-8")
    [result] = ingest(tmp_path / "case", [export]).files
    assert (result.format, result.records, result.quarantined) == (
        "exchange_inbox_rules_json",
        2,
        0,
    )
    with duckdb.connect(str(tmp_path / "case" / "case.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "SELECT mailbox_upn, redirect_to, forward_as_attachment_to, delete_message, "
            "move_to_folder, conditions FROM mail_rules ORDER BY mailbox_upn"
        ).fetchall()
    assert rows[0][:5] == ("bob@x.example", None, "audit@x.example", False, None)
    assert rows[1][:5] == ("jane.doe@x.example", "eve@evil.example", None, True, "RSS Feeds")
    assert json.loads(str(rows[1][5])) == {"subjectcontainswords": ["invoice", "payment"]}


def test_rule_export_is_not_claimed_from_audit_parameters() -> None:
    """A UAL record naming ForwardTo as a parameter value is not an inbox-rule export."""
    audit = b'{"Operation": "New-InboxRule", "Parameters": [{"Name": "ForwardTo", "Value": "e@x"}]}'
    assert not InboxRulesJsonReader().sniff(audit, "audit.json")


def test_addresses_and_description_actions() -> None:
    assert addresses('"Eve" [SMTP:Eve@Evil.example]; bob@X.example') == (
        "eve@evil.example; bob@x.example"
    )
    assert addresses(None) is None
    actions = description_actions(
        "Take the following actions:\n\tforward the message as an attachment to 'a@x.example'"
        "\n\tRedirect the message to 'b@y.example' or 'c@z.example'\n\tdelete the message"
    )
    assert actions == {
        "forward_as_attachment_to": "a@x.example",
        "redirect_to": "b@y.example; c@z.example",
        "delete_message": True,
    }
    assert description_actions("Take the following actions:\n\tmark it as read") == {}
