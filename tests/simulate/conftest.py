"""Small simulated tenants shared by the simulate tests (generated once per session)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mailscope.simulate import SimConfig, simulate

SMALL = {"users": 32, "days": 7, "seed": 11}


@pytest.fixture(scope="session")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """``tenant(scenario, variant)`` -> folder of a small simulated tenant (cached)."""
    made: dict[tuple[str, str], Path] = {}

    def make(scenario: str, variant: str = "mixed") -> Path:
        key = (scenario, variant)
        if key not in made:
            out = tmp_path_factory.mktemp(f"{scenario}-{variant}")
            simulate(SimConfig(out=out, scenario=scenario, variant=variant, **SMALL))
            made[key] = out
        return made[key]

    return make
