"""mailscope: offline investigation of cloud-mail intrusions (Microsoft 365 / Entra ID)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mailscope")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
