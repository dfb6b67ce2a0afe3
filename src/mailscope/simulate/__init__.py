"""Synthetic tenant simulator: a foreign-ministry organisation's evidence in real export
formats, with one intrusion scenario hidden in benign activity and a ground truth.

``simulate(config)`` writes everything under ``config.out``; the same config always
writes byte-identical files (seeded ``random.Random`` streams, sorted outputs, a fixed
calendar instead of the wall clock).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailscope.simulate.config import SCENARIOS, VARIANTS, SimConfig

if TYPE_CHECKING:
    from mailscope.simulate.run import SimulationSummary, simulate

__all__ = ["SCENARIOS", "VARIANTS", "SimConfig", "SimulationSummary", "simulate"]

_GENERATOR = frozenset({"SimulationSummary", "simulate"})


def __getattr__(name: str) -> object:
    """The generator loads on first use: the CLI names the scenarios without it."""
    if name in _GENERATOR:
        from mailscope.simulate import run

        value: object = getattr(run, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
