"""mailscope: offline investigation of cloud-mail intrusions (Microsoft 365 / Entra ID).

The library API (nothing heavy is imported until a stage runs): :func:`investigate` runs
the whole investigation, ``STAGES`` lists its stages in order; see :mod:`mailscope.stages`.
"""

from mailscope.stages import STAGES, Investigation, Options, Stage, investigate
from mailscope.version import __version__

__all__ = ["STAGES", "Investigation", "Options", "Stage", "__version__", "investigate"]
