"""A fast CLI: ``mailscope --help`` and ``mailscope case info`` load no stage libraries.

Each command imports the pipeline stages it runs inside its own function, so asking for help
or for what a case holds does not pay for Presidio, spaCy, jsonschema, Jinja2, STIX, pySigma
or Arrow. Each check runs the CLI in a fresh interpreter and looks at ``sys.modules``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

# Third-party libraries only the stages need.
HEAVY = ("presidio_analyzer", "spacy", "jsonschema", "jinja2", "stix2", "sigma", "pyarrow")
# The stages themselves (any module in these packages) …
STAGES = (
    "mailscope.ingest.pipeline",
    "mailscope.ingest.readers",
    "mailscope.ingest.bulk",
    "mailscope.detect",
    "mailscope.scope",
    "mailscope.report",
    "mailscope.simulate",
    "mailscope.intel",
)
# … but for the vocabulary the help texts name (report formats, scenarios and variants).
VOCABULARY = frozenset(
    {
        "mailscope.report",
        "mailscope.report.formats",
        "mailscope.simulate",
        "mailscope.simulate.config",
    }
)

IMPORT_ONLY = "import json, sys, mailscope.cli.main; print(json.dumps(sorted(sys.modules)))"
# Runs the real entry point with the given arguments, then prints what was loaded (its own
# output goes to a file so the module list stays parseable).
THROUGH_RUN = """
import json, sys
out, *args = sys.argv[1:]
sys.argv = ["mailscope", *args]
from mailscope.cli.main import run
code = 0
try:
    run()
except SystemExit as done:
    code = done.code
with open(out, "w", encoding="utf-8") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""

TRACE = (
    "Received,SenderAddress,RecipientAddress,Subject,Status,ToIP,FromIP,Size,"
    "MessageId,MessageTraceId\n"
    "2023-06-01T09:00:00Z,a@x.example,b@x.example,s,Delivered,,,1,<m@x>,t1\n"
)


def _stage_modules(loaded: set[str]) -> list[str]:
    return sorted(
        name
        for name in loaded
        if name not in VOCABULARY and any(name == s or name.startswith(s + ".") for s in STAGES)
    )


@cache
def _after_import() -> frozenset[str]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ONLY], capture_output=True, text=True, check=True
    )
    return frozenset(json.loads(done.stdout))


def _after_run(tmp: Path, *args: str) -> frozenset[str]:
    out = tmp / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", THROUGH_RUN, str(out), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.exists(), done.stderr
    result = json.loads(out.read_text("utf-8"))
    assert result["code"] in (0, None), done.stdout + done.stderr
    return frozenset(result["modules"])


@pytest.fixture(scope="module")
def help_modules(tmp_path_factory: pytest.TempPathFactory) -> frozenset[str]:
    return _after_run(tmp_path_factory.mktemp("help"), "--help")


@pytest.fixture(scope="module")
def case_info_modules(tmp_path_factory: pytest.TempPathFactory) -> frozenset[str]:
    from mailscope.ingest.pipeline import ingest

    tmp = tmp_path_factory.mktemp("case-info")
    evidence = tmp / "trace.csv"
    evidence.write_text(TRACE, encoding="utf-8")
    ingest(tmp / "case", [evidence])
    return _after_run(tmp, "case", "info", "--case", str(tmp / "case"))


@pytest.mark.parametrize("module", [*HEAVY, "duckdb"])
def test_each_library_is_installed_under_this_name(module: str) -> None:
    """Otherwise a check below for it could never fail."""
    assert importlib.util.find_spec(module) is not None


@pytest.mark.parametrize("module", [*HEAVY, "duckdb"])
def test_importing_the_cli_loads_no_stage_library(module: str) -> None:
    assert module not in _after_import()


def test_importing_the_cli_loads_no_stage() -> None:
    assert _stage_modules(set(_after_import())) == []


@pytest.mark.parametrize("module", [*HEAVY, "duckdb"])
def test_help_loads_no_stage_library(help_modules: frozenset[str], module: str) -> None:
    assert module not in help_modules


def test_help_loads_no_stage(help_modules: frozenset[str]) -> None:
    assert _stage_modules(set(help_modules)) == []


@pytest.mark.parametrize("module", HEAVY)
def test_case_info_loads_no_stage_library(case_info_modules: frozenset[str], module: str) -> None:
    assert module not in case_info_modules


def test_case_info_loads_no_stage(case_info_modules: frozenset[str]) -> None:
    assert _stage_modules(set(case_info_modules)) == []
