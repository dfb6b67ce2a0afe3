"""Evidence files have the real export shapes, are byte-identical per seed, and the CLI
documents and validates its options."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mailscope.cli.main import app
from mailscope.errors import UsageError
from mailscope.simulate import SCENARIOS, VARIANTS, SimConfig, simulate
from mailscope.simulate.scale import stream_records

CLI = [sys.executable, "-c", "from mailscope.cli.main import run; run()"]
US_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$")


def digest_tree(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_across_hash_seeds(tmp_path: Path) -> None:
    config = {"seed": 5, "users": 30, "days": 7, "scenario": "storm-0558"}
    simulate(SimConfig(out=tmp_path / "a", **config))  # type: ignore[arg-type]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [
            *CLI,
            "simulate",
            "--out",
            str(tmp_path / "b"),
            "--seed",
            "5",
            "--users",
            "30",
            "--days",
            "7",
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    first, second = digest_tree(tmp_path / "a"), digest_tree(tmp_path / "b")
    assert first and first == second
    simulate(SimConfig(out=tmp_path / "c", seed=6, users=30, days=7))
    assert digest_tree(tmp_path / "c")["truth.json"] != first["truth.json"]


def test_purview_csv_shape(tenant: Callable[[str, str], Path]) -> None:
    path = tenant("storm-0558", "mixed") / "ual/purview-audit-search.csv"
    raw = path.read_bytes()
    assert raw.startswith(
        b"RecordId,CreationDate,RecordType,Operation,UserId,AuditData,"
        b"AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows[:500]:
        data = json.loads(row["AuditData"])
        assert US_DATE.match(row["CreationDate"])
        assert data["Id"] == row["RecordId"] and str(data["RecordType"]) == row["RecordType"]
    assert any(":" in json.loads(r["AuditData"]).get("ClientIP", "") for r in rows)


def test_exports_overlap_on_record_ids(tenant: Callable[[str, str], Path]) -> None:
    root = tenant("storm-0558", "mixed")
    with (root / "ual/purview-audit-search.csv").open(encoding="utf-8", newline="") as handle:
        purview = {r["RecordId"] for r in csv.DictReader(handle)}
    lines = (root / "ual/management-api.jsonl").read_text(encoding="utf-8").splitlines()
    api = {json.loads(line)["Id"] for line in lines}
    manifest = json.loads((root / "simulation.json").read_bytes())
    assert purview & api
    assert len(purview | api) == manifest["audit_records"]


def test_signin_and_users_shapes(tenant: Callable[[str, str], Path]) -> None:
    root = tenant("none", "mixed")
    interactive = json.loads((root / "entra/signins-interactive.json").read_bytes())
    assert set(interactive) == {"value"} and interactive["value"][0]["isInteractive"] is True
    noninteractive = json.loads((root / "entra/signins-noninteractive.json").read_bytes())
    assert isinstance(noninteractive, list)
    sp_raw = (root / "entra/signins-serviceprincipal.json").read_bytes()
    assert sp_raw.startswith(b"\xef\xbb\xbf")
    record = interactive["value"][0]
    for field in (
        "sessionId",
        "uniqueTokenIdentifier",
        "correlationId",
        "ipAddress",
        "appId",
        "appDisplayName",
        "resourceId",
        "status",
        "userAgent",
        "clientAppUsed",
        "location",
        "autonomousSystemNumber",
        "createdDateTime",
        "signInEventTypes",
    ):
        assert field in record
    with (root / "users.csv").open(encoding="utf-8", newline="") as handle:
        users = list(csv.DictReader(handle))
    assert len(users) == 32
    assert all(u["userPrincipalName"] == u["userPrincipalName"].lower() for u in users)
    departments = {u["department"] for u in users}
    assert "Bureau of East Asian and Pacific Affairs" in departments


def test_help_lists_scenarios_and_variants() -> None:
    result = CliRunner().invoke(app, ["simulate", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for name in [*SCENARIOS, *VARIANTS]:
        assert name in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--scenario", "nope"],
        ["--variant", "nope"],
        ["--users", "3"],
        ["--records", "10"],
        ["--records", "10", "--format", "xml"],
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), *args])
    assert isinstance(result.exception, UsageError) and result.exception.exit_code == 2


@pytest.mark.parametrize("fmt", ["purview-csv", "mgmt-jsonl"])
def test_scale_mode_streams_valid_records(tmp_path: Path, fmt: str) -> None:
    summary = stream_records(tmp_path, 10_000, fmt, seed=1, days=7, users=200)
    if fmt == "mgmt-jsonl":
        objects = [json.loads(x) for x in summary.path.read_text().splitlines()]
    else:
        with summary.path.open(encoding="utf-8", newline="") as handle:
            objects = [json.loads(r["AuditData"]) for r in csv.DictReader(handle)]
    assert len(objects) == 10_000 == len({o["Id"] for o in objects})
    assert (
        summary.actor_records
        == sum(o.get("ClientInfoString") == "Client=REST;Client=RESTSystem;;" for o in objects)
        > 0
    )
    assert objects == sorted(objects, key=lambda o: o["CreationTime"])
