"""campaign.json, campaign.html and campaign.stix.json: valid, deterministic, inert."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest
import stix2
from stix2validator import ValidationOptions, validate_string

from mailscope.campaign.assess import Campaign, assess
from mailscope.campaign.document import build_document, validate_document, write_document
from mailscope.campaign.html import write_html
from mailscope.campaign.stix import write_stix
from tests.campaign.views import ACTOR_APP, PROXY, VPN_EXIT, trace, view

HOSTILE = "<script>alert('org')</script>.example"
HOSTILE_UA = "\x1b[31mEvil\x1b[0m <img src=x onerror=alert(1)>"


def _campaign() -> Campaign:
    return assess(
        [
            view(HOSTILE, trace("ip", PROXY), trace("user_agent", HOSTILE_UA)),
            view("b.example", trace("ip", PROXY), trace("app", ACTOR_APP), trace("ip", VPN_EXIT)),
            view("c.example", trace("app", ACTOR_APP), trace("user_agent", HOSTILE_UA)),
            view("bec.example", trace("ip", VPN_EXIT, ordinary=2), rules=("MS-INBOX-RULE-BEC",)),
            view("quiet.example", found=False),
        ]
    )


def test_the_document_follows_its_schema_and_says_who_was_hit() -> None:
    document = build_document(_campaign())
    validate_document(document)
    summary = document["summary"]
    assert (summary["hit"], summary["not_hit"], summary["unrelated_intrusion"]) == (3, 1, 1)
    assert summary["mailboxes"] == 6
    assert summary["headline"] == "3 organisation(s) hit, 6 mailbox(es), 60 message(s) read"
    by_name = {o["name"]: o for o in document["organisations"]}
    (link,) = [k for k in by_name["b.example"]["links"] if k["organisation"] == "c.example"]
    (evidence,) = [e for e in link["evidence"] if e["kind"] == "app"]
    assert evidence["here"]["record_keys"] == [f"{ACTOR_APP}|key"]
    vpn = next(s for s in document["shared_infrastructure"] if s["value"] == VPN_EXIT)
    assert vpn["links"] is False and "bec.example (2)" in vpn["excluded"]
    assert [e["organisation"] for e in document["timeline"]][:1]
    broken = {**document, "summary": {**summary, "hit": -1}}
    with pytest.raises(jsonschema.ValidationError):
        validate_document(broken)


def test_the_same_campaign_gives_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for run in ("one", "two"):
        out = tmp_path / run
        out.mkdir()
        document = build_document(_campaign())
        paths = [
            write_document(document, out),
            write_html(document, out),
            write_stix(_campaign(), out),
        ]
        outputs.append([p.read_bytes() for p in paths])
    assert outputs[0] == outputs[1]


def test_the_page_escapes_evidence_and_loads_nothing(tmp_path: Path) -> None:
    page = write_html(build_document(_campaign()), tmp_path).read_text("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt;.example" in page
    assert "\x1b" not in page and "\\x1b[31mEvil" in page
    assert 'content="default-src &#39;none&#39;' in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_the_stix_bundle_is_valid_and_names_the_campaign(tmp_path: Path) -> None:
    path = write_stix(_campaign(), tmp_path)
    text = path.read_text("utf-8")
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    bundle = stix2.parse(text, allow_custom=False)
    kinds = sorted({o.type for o in bundle.objects})
    assert kinds == [
        "campaign", "identity", "indicator", "ipv4-addr", "observed-data", "relationship",
        "sighting", "user-account",
    ]  # fmt: skip
    objects = orjson.loads(text)["objects"]
    patterns = {o["pattern"] for o in objects if o["type"] == "indicator"}
    assert f"[ipv4-addr:value = '{PROXY}']" in patterns
    assert f"[x-entra-app:app_id = '{ACTOR_APP}']" in patterns
    assert not any(VPN_EXIT in p for p in patterns)  # excluded: ordinary accounts use it
    targets = [o for o in objects if o.get("relationship_type") == "targets"]
    assert len(targets) == 3
