"""A simulated tenant ingests with zero quarantined records and the counts it wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailscope.simulate import SimConfig, simulate

pipeline = pytest.importorskip("mailscope.ingest.pipeline")


def test_simulated_evidence_ingests_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    simulate(SimConfig(out=out, seed=3, users=30, days=7, scenario="oauth-app"))
    manifest = json.loads((out / "simulation.json").read_bytes())
    mailbox = sorted((out / "mailboxes").iterdir())[0]  # one mailbox keeps the test fast
    evidence = [out / "users.csv", out / "ual", out / "entra", mailbox]
    run = pipeline.ingest(tmp_path / "case", evidence)
    formats = {f.format for f in run.files}
    assert run.quarantined == 0, [(f.path, f.format, f.note) for f in run.files if f.quarantined]
    assert "unrecognised" not in formats
    ual = [f for f in run.files if f.format.startswith("ual")]
    assert len(ual) == 2
    assert sum(f.records - f.duplicates for f in ual) == manifest["audit_records"]
    assert sum(f.duplicates for f in ual) > 0  # the overlap between the two exports
    signin_files = [k for k in manifest["files"] if k.startswith("entra/signins")]
    signins = sum(manifest["files"][k] for k in signin_files)
    signin_results = [f for f in run.files if "signins-" in f.path]
    assert sum(f.records for f in signin_results) == signins
    emls = [f for f in run.files if f.format == "mailbox_eml"]
    assert len(emls) == sum(1 for _ in mailbox.rglob("*.eml"))
