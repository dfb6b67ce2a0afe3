"""The portal shape of an independent tenant: one Purview CSV holding each API record once,
read by mailscope with nothing quarantined and nothing lost."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from mailscope.ingest.pipeline import ingest
from tests.independent import portal
from tests.independent.mgmt_api import build as build_api


def test_portal_export_holds_each_api_record_once(tmp_path: Path) -> None:
    portal.build(tmp_path / "p", "mixed", 5, 30, 7)
    build_api(tmp_path / "a", "mixed", 5, 30, 7)
    api_ids = {
        json.loads(line)["Id"]
        for path in (tmp_path / "a" / "evidence" / "ual").glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    export = tmp_path / "p" / "evidence" / "ual" / "purview-audit-search.csv"
    with export.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(portal.HEADER)
    times = [datetime.strptime(r["CreationDate"], "%m/%d/%Y %I:%M:%S %p") for r in rows]
    assert times == sorted(times, reverse=True)  # newest first, as the portal exports
    assert {r["RecordId"] for r in rows} == api_ids and len(rows) == len(api_ids)
    assert not list((tmp_path / "p" / "evidence" / "ual").glob("*.jsonl"))

    run = ingest(tmp_path / "case", [export])
    [result] = run.files
    assert (result.records, result.quarantined, result.duplicates) == (len(rows), 0, 0)
