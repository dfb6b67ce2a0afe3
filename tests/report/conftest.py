"""A hand-made hostile case, built and rendered once per test session."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from mailscope.report.render import report_case
from tests.report.build_case import build_case

GENERATED_AT = datetime(2024, 2, 29, 12, 0, 0)


@pytest.fixture(scope="session")
def rendered_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case folder whose report/ holds every format."""
    case = tmp_path_factory.mktemp("report") / "case-storm"
    build_case(case)
    report_case(case, generated_at=GENERATED_AT)
    return case


@pytest.fixture(scope="session")
def report_dir(rendered_case: Path) -> Path:
    return rendered_case / "report"
