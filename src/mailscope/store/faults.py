"""Fault-injection points for the crash tests: ``MAILSCOPE_FAULT=name`` (or ``name#N``,
the Nth time it is reached) makes the process kill itself with SIGKILL at that point, as a
closed laptop lid or ``kill -9`` would. Unset (always, outside tests) it costs a dict lookup.
"""

from __future__ import annotations

import os
import signal

_hits: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Die here, hard, if the environment asks for it."""
    wanted = os.environ.get("MAILSCOPE_FAULT")
    if not wanted:
        return
    point, _, nth = wanted.partition("#")
    if point != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
