"""What PowerShell writes in place of values it cannot render as text.

``Export-Csv`` (and ``ConvertTo-Json`` beyond its ``-Depth``) writes a nested value as its
type name: ``System.Object[]`` for an array, ``System.Collections.Generic.List`1[…]``,
``Microsoft.Graph.PowerShell.Models.MicrosoftGraphSignInStatus`` for an SDK object. The
content is gone; readers must not take the type name for data.
"""

from __future__ import annotations

import re

_TYPE_NAME = re.compile(r"^(?:System|Microsoft)\.[\w.`]+(?:\[[\w.,` ]*\])*$")


def is_lost(value: object) -> bool:
    """True for PowerShell's type-name text in place of a nested value."""
    return isinstance(value, str) and _TYPE_NAME.match(value.strip()) is not None
