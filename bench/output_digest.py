"""A digest of everything an investigation writes, to show a change alters no output.

Each evidence path (file or folder) is investigated into a fresh case: ingest, detect,
scope, report, with the report's one clock line fixed. Printed per path: the SHA-256 of
every file the case folder holds (scope.json, manifest.json, every report and export) and
of every stored table (``store_digest.py``). Run times and durations, the only values that
differ between two runs of the same code, and the folder the package is installed in, are
left out. Run on two revisions, compare:

    PYTHONPATH=OLD/src .venv/bin/python bench/output_digest.py PATH... --json old.json
    .venv/bin/python bench/output_digest.py PATH... --json new.json --compare old.json

``--compare`` exits 1 when any output differs, and names it. The stage functions called
here are the ones every revision since the store's first format has.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from store_digest import report, table_digests

import mailscope
from mailscope.detect.engine import detect_case
from mailscope.ingest.pipeline import ingest
from mailscope.report.render import report_case
from mailscope.scope.run import scope_case

CLOCK = datetime(2026, 1, 1)
# Case files that hold the store, the writer's lock and the run journal, not outputs.
NOT_OUTPUT = {"case.duckdb", "case.duckdb.wal", "writer.lock"}
# manifest.json fields (at any depth) that say when or how long, not what.
TIMING = {"seconds", "started_at", "finished_at"}
# Stored columns that say how long a rule took, or when the evidence file was last touched
# (a fresh copy of the same bytes has a new mtime).
DURATIONS = {"rule_runs": ("seconds",), "evidence_locations": ("mtime_ns",)}
# Where the package is installed (findings name the bundled Sigma rule file they came from).
INSTALLED = str(Path(mailscope.__file__).parent)


def _steady(value: Any) -> Any:
    """``value`` without run times and durations (manifest.json)."""
    if isinstance(value, dict):
        return {k: _steady(v) for k, v in value.items() if k not in TIMING}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


def _file_digest(path: Path, manifest_sha256: bytes) -> list[object]:
    """[bytes, sha256] of the file as compared (run times and install folder left out)."""
    data = path.read_bytes()
    if path.name == "manifest.json":
        data = json.dumps(_steady(json.loads(data)), sort_keys=True).encode()
    # The reports quote the manifest's hash, which changes with its run times.
    data = data.replace(manifest_sha256, b"MANIFEST-SHA256").replace(INSTALLED.encode(), b"")
    return [len(data), hashlib.sha256(data).hexdigest()]


def digests(path: Path, work: Path) -> dict[str, list[object]]:
    """``"<path> file <name>": [bytes, sha256]`` and ``"<path> table <t>": [rows, sha256]``."""
    case = work / "digest" / "case"  # reports name a case by its last two folders
    shutil.rmtree(case, ignore_errors=True)
    ingest(case, [path])
    detect_case(case)
    scope_case(case)
    report_case(case, generated_at=CLOCK)
    out: dict[str, list[object]] = {}
    manifest = hashlib.sha256((case / "manifest.json").read_bytes()).hexdigest().encode()
    for file in sorted(p for p in case.rglob("*") if p.is_file()):
        if file.name in NOT_OUTPUT:
            continue
        name = file.relative_to(case).as_posix()
        out[f"{path} file {name}"] = _file_digest(file, manifest)
    for table, digest in table_digests(case / "case.duckdb", DURATIONS, INSTALLED).items():
        out[f"{path} table {table}"] = digest
    shutil.rmtree(case, ignore_errors=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="write the digests here")
    parser.add_argument("--compare", type=Path, help="digests of another revision")
    args = parser.parse_args()
    result: dict[str, list[object]] = {}
    with tempfile.TemporaryDirectory(prefix="output-digest-") as work:
        for path in args.paths:
            result.update(digests(path, Path(work)))
    return report(result, args.json, args.compare)


if __name__ == "__main__":
    sys.exit(main())
