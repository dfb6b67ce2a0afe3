"""iocs.stix.json: a valid STIX 2.1 bundle with windowed indicators, sightings, incident."""

from __future__ import annotations

from pathlib import Path

import orjson
import stix2
from stix2validator import ValidationOptions, validate_string

from mailscope.report.stix_out import pattern_literal
from tests.report.tenant import ACTOR_APP, ACTOR_IPS, HOSTILE_UA, REST_UA

# STIX 2.1 lets producers use UUIDv5 when the namespace guarantees uniqueness (spec 2.9);
# the validator still reminds that v4 is the default (check 103). That is the only note.
UUID_V4_REMINDER = "103"


def _bundle(report_dir: Path) -> dict[str, object]:
    return orjson.loads((report_dir / "iocs.stix.json").read_bytes())  # type: ignore[no-any-return]


def test_bundle_validates(report_dir: Path) -> None:
    text = (report_dir / "iocs.stix.json").read_text("utf-8")
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    others = [str(w) for w in result.warnings or [] if f"{{{UUID_V4_REMINDER}}}" not in str(w)]
    assert not others, others


def test_indicators_cover_actor_ips_user_agents_and_app_with_windows(report_dir: Path) -> None:
    objects = _bundle(report_dir)["objects"]
    assert isinstance(objects, list)
    indicators = [o for o in objects if o["type"] == "indicator"]
    patterns = {o["pattern"] for o in indicators}
    assert "[ipv4-addr:value = '203.0.113.7']" in patterns
    assert "[ipv6-addr:value = '2001:db8::66']" in patterns
    ua_path = "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'"
    assert f"[{ua_path} = {pattern_literal(HOSTILE_UA)}]" in patterns
    assert f"[{ua_path} = {pattern_literal(REST_UA)}]" in patterns
    assert f"[x-entra-app:app_id = '{ACTOR_APP}']" in patterns
    assert len(indicators) == len(ACTOR_IPS) + 2 + 1
    for indicator in indicators:
        assert indicator["valid_from"] < indicator["valid_until"]
        assert indicator["valid_from"].startswith("2023-")


def test_every_indicator_is_sighted_at_the_organisation(report_dir: Path) -> None:
    objects = _bundle(report_dir)["objects"]
    assert isinstance(objects, list)
    by_id = {o["id"]: o for o in objects}
    sightings = [o for o in objects if o["type"] == "sighting"]
    indicators = {o["id"] for o in objects if o["type"] == "indicator"}
    assert {s["sighting_of_ref"] for s in sightings} == indicators
    for sighting in sightings:
        (where,) = sighting["where_sighted_refs"]
        assert by_id[where]["name"] == "ministry.example"
        assert sighting["count"] >= 1
    assert sum(1 for o in objects if o["type"] == "incident") == 1
    (report,) = [o for o in objects if o["type"] == "report"]
    assert set(report["object_refs"]) == set(by_id) - {report["id"]}


def test_bundle_parses_back_with_stix2(report_dir: Path) -> None:
    bundle = stix2.parse((report_dir / "iocs.stix.json").read_text("utf-8"), allow_custom=False)
    kinds = sorted({o.type for o in bundle.objects})
    assert kinds == [
        "attack-pattern", "extension-definition", "identity", "incident", "indicator",
        "infrastructure", "observed-data", "relationship", "report", "sighting", "user-account",
    ]  # fmt: skip


def test_pattern_literal_escapes_quotes_and_backslashes() -> None:
    assert pattern_literal("a'b\\c") == "'a\\'b\\\\c'"


def test_ids_name_the_case_content_not_the_folder(tmp_path: Path) -> None:
    from mailscope.report.render import report_case
    from tests.report.build_case import build_case

    ids = []
    for per_mailbox in (4, 5):
        case = tmp_path / str(per_mailbox) / "case"
        build_case(case, messages_per_mailbox=per_mailbox)
        report_case(case, ("stix",))
        objects = _bundle(case / "report")["objects"]
        assert isinstance(objects, list)
        ids.append({o["id"] for o in objects if o["type"] in ("incident", "report")})
    assert ids[0].isdisjoint(ids[1])


def test_campaign_properties_ride_on_a_declared_extension(report_dir: Path) -> None:
    """What the campaign view reads from a shared bundle: per indicator its tier, records
    and ordinary use; on the incident the verdict; per mailbox its department and window."""
    objects = _bundle(report_dir)["objects"]
    assert isinstance(objects, list)
    (extension,) = [o for o in objects if o["type"] == "extension-definition"]
    for indicator in (o for o in objects if o["type"] == "indicator"):
        assert extension["id"] in indicator["extensions"]
        assert indicator["x_mailscope_tier"] in ("confirmed", "suspected")
        assert indicator["x_mailscope_records"] >= 1
        assert indicator["x_mailscope_ordinary_accounts"] >= 0
    (incident,) = [o for o in objects if o["type"] == "incident"]
    assert incident["x_mailscope_intrusion_found"] is True
    accounts = [o for o in objects if o["type"] == "user-account"]
    assert accounts and all(
        a["extensions"][extension["id"]]["first_access"].startswith("2023-") for a in accounts
    )
    (observed,) = [o for o in objects if o["type"] == "observed-data"]
    assert set(observed["object_refs"]) == {a["id"] for a in accounts}


def test_same_bytes_whatever_the_hash_seed(rendered_case: Path, tmp_path: Path) -> None:
    """stix2 orders custom properties by hash order; the bundle sorts every key."""
    import os
    import shutil
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        case = tmp_path / seed / "cases" / "case-storm"  # the report names the last two parts
        shutil.copytree(rendered_case, case)
        subprocess.run(
            [sys.executable, "-m", "mailscope", "report", "--case", str(case), "--format", "stix"],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append((case / "report" / "iocs.stix.json").read_bytes())
    assert outputs[0] == outputs[1]
