"""The ATT&CK technique table: well-formed, and naming every technique mailscope tags."""

from __future__ import annotations

import re

from mailscope.detect.sigma.loader import bundled_sigma_paths, load_sigma_detections
from mailscope.intel.attack import attack_techniques, technique_name

TACTICS = {
    "reconnaissance",
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
    "impact",
}


def test_table_is_well_formed() -> None:
    table = attack_techniques()
    assert len(table) >= 50
    for technique_id, technique in table.items():
        assert re.fullmatch(r"T\d{4}(\.\d{3})?", technique_id)
        assert set(technique.tactics) <= TACTICS, technique_id
        parent = table.get(technique_id.split(".")[0])
        if "." in technique_id and parent is not None:
            assert technique.name.startswith(parent.name + ": "), technique_id


def test_lookup() -> None:
    assert technique_name("t1114.002") == "Email Collection: Remote Email Collection"
    assert technique_name("T9999") is None


def test_names_every_technique_of_mailscope_sigma_rules() -> None:
    detections, _ = load_sigma_detections(bundled_sigma_paths())
    used = {a for d in detections for a in d.attack_ids}
    assert used and all(technique_name(a) for a in used)
