"""The installed mailscope version, as reports, manifests and STIX bundles record it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mailscope")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
