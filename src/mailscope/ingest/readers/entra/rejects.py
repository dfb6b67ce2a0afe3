"""The one way a mapper says a record cannot become a row: the reader quarantines it."""

from __future__ import annotations


class RecordError(ValueError):
    """A record that is not usable (no time, not an Entra record …); the message is the reason."""
