"""truth.json must be exactly what the written evidence implies under DESIGN.md's rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from evidence_files import audit_records, emls, itinerary, marked, signins, valid_ssns, when

OWA = "9199bf20-a13f-4107-85dc-02114787ef48"
STORM = [("storm-0558", v) for v in ("bind", "sync", "throttled", "first-party-app", "mixed")]
ALL = [*STORM, ("bec-inbox-rule", "mixed"), ("oauth-app", "mixed"), ("none", "mixed")]


def _prop(data: dict[str, Any], name: str) -> str:
    return next(
        (p.get("Value", "") for p in data.get("OperationProperties", []) if p["Name"] == name), ""
    )


def recompute(root: Path, truth: dict[str, Any]) -> dict[str, set[str]]:
    """Exposed ids per mailbox from the files: actor = records carrying an actor token, or
    carrying no token ids at all (Exchange leaves some out) from an actor address."""
    tokens = set(truth["actor"]["token_ids"])
    actor_ips = set(truth["actor"]["ips"])
    mail = [d for d in audit_records(root).values() if d["Operation"] == "MailItemsAccessed"]
    messages = emls(root)
    throttles: dict[str, list[Any]] = {}
    for d in sorted(mail, key=lambda d: d["CreationTime"]):
        if _prop(d, "IsThrottled") == "True":
            starts = throttles.setdefault(d["MailboxOwnerUPN"], [])
            t = when(d["CreationTime"])
            if not starts or t > starts[-1] + timedelta(hours=24):
                starts.append(t)
    actor = [
        d
        for d in mail
        if d.get("AppAccessContext", {}).get("UniqueTokenId") in tokens
        or ("AppAccessContext" not in d and d["ClientIPAddress"] in actor_ips)
    ]
    exposed: dict[str, set[str]] = {}
    for upn in sorted({d["MailboxOwnerUPN"] for d in actor}):
        mine = [d for d in actor if d["MailboxOwnerUPN"] == upn]
        first = min(when(d["CreationTime"]) for d in mine)
        box = [m for m in messages.values() if m.mailbox == upn]
        ids: set[str] = set()
        for d in mine:
            for folder in d["Folders"]:
                if _prop(d, "MailAccessType") == "Bind":
                    ids |= {i["InternetMessageId"] for i in folder["FolderItems"]}
                else:
                    path = folder["Path"].strip("\\").replace("\\", "/")
                    ids |= {
                        m.message_id
                        for m in box
                        if m.folder == path and m.date <= when(d["CreationTime"])
                    }
        for start in throttles.get(upn, []):
            if start > first:
                ids |= {m.message_id for m in box if m.date <= start + timedelta(hours=24)}
        exposed[upn] = ids
    return exposed


@pytest.mark.parametrize(("scenario", "variant"), ALL)
def test_truth_matches_files(
    tenant: Callable[[str, str], Path], scenario: str, variant: str
) -> None:
    root = tenant(scenario, variant)
    truth = json.loads((root / "truth.json").read_bytes())
    assert truth["schema"] == "mailscope.scope/1"
    assert truth["scenario"]["name"] == scenario
    expected = recompute(root, truth)
    got = {c["upn"]: set(c["exposed_message_ids"]) for c in truth["compromised_mailboxes"]}
    assert got == expected
    messages = emls(root)
    ssns: set[str] = set()
    for box in truth["compromised_mailboxes"]:
        found = [messages[m] for m in box["exposed_message_ids"]]  # every id is exported
        assert all(m.mailbox == box["upn"] for m in found)
        mine = {s for m in found for s in valid_ssns(m.body)}
        ssns |= mine
        assert box["sensitive"] == {
            "us_ssn": len(mine),
            "itinerary_messages": sum(itinerary(m.body) for m in found),
            "marked_messages": sum(marked(m.body) for m in found),
        }
    totals = truth["totals"]
    assert totals["us_ssn"] == len(ssns)
    assert totals["exposed_messages"] == sum(len(v) for v in got.values())
    if scenario == "none":
        assert truth["compromised_mailboxes"] == [] and totals["department_share"] == {}
    else:
        assert truth["compromised_mailboxes"] and totals["exposed_messages"] > 0
        assert abs(sum(totals["department_share"].values()) - 1) < 1e-5
    kinds = {d["kind"] for d in truth["distractors"]}
    always = {
        "archiving-app",
        "ews-backup-app",
        "ediscovery-search",
        "admin-powershell",
        "outlook-mobile-service",
        "new-laptop-sync",
        "throttled-heavy-user",
        "traveller",
    }
    assert always <= kinds
    assert kinds <= always | {
        "activesync-phone",
        "corporate-egress",
        "commercial-vpn",
        "delegate-assistant",
        "shared-mailbox",
    }


def test_labels_match_message_text(tenant: Callable[[str, str], Path]) -> None:
    root = tenant("storm-0558", "mixed")
    truth = json.loads((root / "truth.json").read_bytes())
    labels = {x["message_id"]: x for x in truth["sensitive_labels"]}
    for message in emls(root).values():
        label = labels.get(message.message_id, {"us_ssn": [], "itinerary": False, "marking": None})
        assert set(label["us_ssn"]) == valid_ssns(message.body)
        assert label["itinerary"] == itinerary(message.body)
        assert (label["marking"] is not None) == marked(message.body)
    bodies = "".join(m.body for m in emls(root).values())
    assert "202-555-" in bodies  # near-misses are present


@pytest.mark.parametrize(("scenario", "variant"), STORM)
def test_storm_tokens_have_no_sign_in(
    tenant: Callable[[str, str], Path], scenario: str, variant: str
) -> None:
    root = tenant(scenario, variant)
    truth = json.loads((root / "truth.json").read_bytes())
    issued = {s["uniqueTokenIdentifier"] for s in signins(root)}
    sessions = {s["sessionId"] for s in signins(root)}
    assert not issued & set(truth["actor"]["token_ids"])
    assert not sessions & set(truth["actor"]["session_ids"])
    mail = [d for d in audit_records(root).values() if d["Operation"] == "MailItemsAccessed"]
    benign = [
        d
        for d in mail
        if d.get("AppAccessContext", {}).get("UniqueTokenId")
        and d["AppAccessContext"]["UniqueTokenId"] not in truth["actor"]["token_ids"]
    ]
    assert benign and all(d["AppAccessContext"]["UniqueTokenId"] in issued for d in benign)
    heavy = {d["upn"] for d in truth["distractors"] if d["kind"] == "throttled-heavy-user"}
    daily = [
        d
        for d in mail
        if d["LogonType"] == 0
        and d["MailboxOwnerUPN"] not in heavy
        and d["ClientInfoString"].startswith(("Client=Microsoft Outlook", "Client=OWA"))
        and d.get("AppAccessContext", {}).get("UniqueTokenId") not in truth["actor"]["token_ids"]
    ]
    without = [d for d in daily if "AppAccessContext" not in d]
    assert 0.04 < len(without) / len(daily) < 0.2  # aggregated records without token ids
    actor = [
        d
        for d in mail
        if d.get("AppAccessContext", {}).get("UniqueTokenId") in truth["actor"]["token_ids"]
    ]
    for d in actor:
        t = when(d["CreationTime"])
        assert t.weekday() < 5 and t.hour < 9
    departments = [c["department"] for c in truth["compromised_mailboxes"]]
    assert departments.count("Bureau of European Affairs") == 1
    assert departments.count("Bureau of East Asian and Pacific Affairs") == len(departments) - 1


def test_storm_variants_use_their_technique(tenant: Callable[[str, str], Path]) -> None:
    def truth(variant: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (tenant("storm-0558", variant) / "truth.json").read_bytes()
        )
        return data

    bases = {
        v: [c["exposure_basis"] for c in truth(v)["compromised_mailboxes"]]
        for v in ("bind", "sync", "throttled", "first-party-app", "mixed")
    }
    assert all(b["sync"] == 0 and b["throttled"] == 0 for b in bases["bind"])
    assert all(b["bind"] == 0 and b["sync"] > 0 for b in bases["sync"])
    assert sum(b["throttled"] > 0 for b in bases["throttled"]) == 1
    assert truth("first-party-app")["actor"]["app_ids"] == [OWA]
    mixed = bases["mixed"]
    assert any(b["throttled"] for b in mixed) and any(b["sync"] for b in mixed)
    assert OWA in truth("mixed")["actor"]["app_ids"]
    assert truth("mixed")["actor"]["user_agents"].count("Client=REST;Client=RESTSystem;;") == 1


def test_throttled_window_starts_at_first_throttled_record(
    tenant: Callable[[str, str], Path],
) -> None:
    root = tenant("storm-0558", "throttled")
    truth = json.loads((root / "truth.json").read_bytes())
    victim = next(c for c in truth["compromised_mailboxes"] if c["exposure_basis"]["throttled"])
    mail = [
        d
        for d in audit_records(root).values()
        if d["Operation"] == "MailItemsAccessed" and d["MailboxOwnerUPN"] == victim["upn"]
    ]
    flagged = sorted(when(d["CreationTime"]) for d in mail if _prop(d, "IsThrottled") == "True")
    start = flagged[0]
    before = [d for d in mail if start - timedelta(hours=24) <= when(d["CreationTime"]) < start]
    assert len(before) > 1000
    inside = [d for d in mail if start < when(d["CreationTime"]) <= start + timedelta(hours=24)]
    assert all(_prop(d, "IsThrottled") == "True" for d in inside)


def test_bec_and_oauth_shapes(tenant: Callable[[str, str], Path]) -> None:
    bec = tenant("bec-inbox-rule", "mixed")
    records = audit_records(bec).values()
    rules = [
        d
        for d in records
        if d["Operation"] == "New-InboxRule"
        and any(p["Name"] == "ForwardTo" for p in d["Parameters"])
    ]
    assert rules and ":" in rules[0]["ClientIP"]
    truth = json.loads((bec / "truth.json").read_bytes())
    foreign = [s for s in signins(bec) if s["ipAddress"] in truth["actor"]["ips"]]
    assert any(
        s["status"]["errorCode"] == 0 and s["location"]["countryOrRegion"] == "NG" for s in foreign
    )
    oauth = tenant("oauth-app", "mixed")
    operations = {d["Operation"] for d in audit_records(oauth).values()}
    assert {
        "Consent to application.",
        "Add app role assignment to service principal.",
    } <= operations
    sp_tokens = {
        s["uniqueTokenIdentifier"]
        for s in signins(oauth)
        if s["signInEventTypes"] == ["servicePrincipal"]
    }
    graph = [json.loads(x) for x in (oauth / "entra/graph-activity.jsonl").read_text().splitlines()]
    assert graph and all(g["properties"]["signInActivityId"] in sp_tokens for g in graph)
