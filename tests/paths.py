"""Where the real sample evidence and shared material live; skip cleanly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"


def sample(relative: str) -> Path:
    """A real sample file from ../shared/samples, or skip the test with the reason."""
    path = SAMPLES / relative
    if not path.exists():
        pytest.skip(f"real sample evidence not present ({path}); it ships beside the repo only")
    return path


def shared(relative: str) -> Path:
    """A file under ../shared (intel, sigma …), or skip the test with the reason."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared material not present ({path}); it ships beside the repo only")
    return path
