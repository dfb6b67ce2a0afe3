"""Synthetic tenant simulator: a foreign-ministry organisation's evidence in real export
formats, with one intrusion scenario hidden in benign activity and a ground truth.

``simulate(config)`` writes everything under ``config.out``; the same config always
writes byte-identical files (seeded ``random.Random`` streams, sorted outputs, a fixed
calendar instead of the wall clock).
"""

from __future__ import annotations

from mailscope.simulate.config import SCENARIOS, VARIANTS, SimConfig
from mailscope.simulate.run import SimulationSummary, simulate

__all__ = ["SCENARIOS", "VARIANTS", "SimConfig", "SimulationSummary", "simulate"]
