"""The package imports only downward (../shared/DESIGN.md's layers) and has no cycles.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``) and are checked by
import-linter, here and by ``lint-imports`` in ``make lint``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

import mailscope

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = Path(mailscope.__file__).parent
ENTRY_MODULES = {"__init__", "__main__"}  # the package itself and ``python -m mailscope``


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads(PYPROJECT.read_text("utf-8"))["tool"]["importlinter"]
    contracts: list[dict[str, object]] = config["contracts"]
    return contracts


def _layered() -> set[str]:
    [layers] = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    assert isinstance(layers, list)
    return {name.strip() for layer in layers for name in layer.split("|")}


def test_the_package_keeps_its_contracts() -> None:
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_every_top_level_part_has_a_layer() -> None:
    parts = {
        path.stem if path.suffix == ".py" else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").exists())
    }
    assert {f"mailscope.{part}" for part in parts - ENTRY_MODULES} == _layered()


def _toy(tmp_path: Path, imports: dict[str, str]) -> Path:
    """A package shaped like mailscope (one module per layer) under the same contracts."""
    root = tmp_path / "toy"
    root.mkdir()
    (root / "__init__.py").write_text("")
    for name in sorted(_layered()):
        part = name.removeprefix("mailscope.")
        (root / part).mkdir()
        (root / part / "__init__.py").write_text("")
        (root / part / "code.py").write_text(imports.get(part, ""))
    text = PYPROJECT.read_text("utf-8")
    section = text[text.index("[tool.importlinter]") : text.index("[tool.pytest.ini_options]")]
    config = tmp_path / "contracts.toml"
    config.write_text(re.sub(r"\bmailscope\b", "toy", section))
    return config


@pytest.mark.parametrize(
    "imports",
    [
        pytest.param({"store": "import toy.ingest.code\n"}, id="store imports ingest"),
        pytest.param({"intel": "from toy.detect import code\n"}, id="intel imports detect"),
        pytest.param(
            {"errors": "import toy.report.code\n", "report": "import toy.scope.code\n"},
            id="errors reaches report",
        ),
        pytest.param({"ingest": "import toy.simulate.code\n"}, id="sibling layers import"),
    ],
)
def test_an_upward_import_breaks_the_contracts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    imports: dict[str, str],
) -> None:
    config = _toy(tmp_path, imports)
    assert _check(config, monkeypatch, capsys) == {"layers": "BROKEN", "no cycles": "KEPT"}


def test_a_downward_import_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _toy(tmp_path, {"cli": "import toy.store.code\n", "ingest": "import toy.model\n"})
    assert _check(config, monkeypatch, capsys) == {"layers": "KEPT", "no cycles": "KEPT"}


def test_a_cycle_inside_a_layer_breaks_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _toy(tmp_path, {})
    (tmp_path / "toy" / "ingest" / "other.py").write_text("from toy.ingest import code\n")
    (tmp_path / "toy" / "ingest" / "code.py").write_text("from toy.ingest import other\n")
    assert _check(config, monkeypatch, capsys) == {"layers": "KEPT", "no cycles": "BROKEN"}


def _check(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, str]:
    """Each contract's verdict (``KEPT``/``BROKEN``) on the toy package, by the start of its
    name; a configuration error fails the test instead of passing as a broken contract."""
    monkeypatch.syspath_prepend(str(config.parent))
    monkeypatch.chdir(config.parent)
    code = lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    text = capsys.readouterr().out
    verdicts = dict(re.findall(r"^(layers|no cycles)\b.* (KEPT|BROKEN)$", text, flags=re.M))
    assert code == (1 if "BROKEN" in verdicts.values() else 0), text
    return verdicts
