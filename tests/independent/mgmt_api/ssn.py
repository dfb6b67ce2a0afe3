"""US Social Security numbers: the SSA validity rules and the "near a keyword" reading rule.

SSA: the area (first three digits) is never 000, 666 or 900-999; the group (middle two)
never 00; the serial (last four) never 0000. A number counts as an SSN here only when it is
written ``123-45-6789`` within a few words after "SSN", "SS#" or "Social Security" on the
same line; phone numbers, order and case numbers in the same digit pattern do not.
"""

from __future__ import annotations

import random
import re

_KEYWORD = re.compile(r"(?i)\b(?:SSN|SS#|social security)")
_NUMBER = re.compile(r"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])")
_WINDOW = 40


def is_valid(number: str) -> bool:
    """Whether ``number`` (``ddd-dd-dddd``) satisfies the SSA rules."""
    area, group, serial = number.split("-")
    if area == "000" or area == "666" or area >= "900":
        return False
    return group != "00" and serial != "0000"


def find_ssns(text: str) -> set[str]:
    """Distinct valid SSNs in ``text`` written near an SSN keyword on the same line."""
    found: set[str] = set()
    for line in text.splitlines():
        for match in _NUMBER.finditer(line):
            before = line[max(0, match.start() - _WINDOW) : match.start()]
            if _KEYWORD.search(before) and is_valid(match.group(0)):
                found.add(match.group(0))
    return found


def valid_ssn(rng: random.Random) -> str:
    """A random valid SSN (never the famous published ones)."""
    while True:
        area = rng.randrange(1, 900)
        if area == 666:
            continue
        number = f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"
        if number not in ("078-05-1120", "219-09-9999"):
            return number


def invalid_ssn(rng: random.Random) -> str:
    """A number in SSN shape that the SSA rules exclude (area 000/666/9xx, group 00, 0000)."""
    kind = rng.randrange(5)
    group, serial = f"{rng.randrange(1, 100):02d}", f"{rng.randrange(1, 10000):04d}"
    if kind == 0:
        return f"000-{group}-{serial}"
    if kind == 1:
        return f"666-{group}-{serial}"
    if kind == 2:
        return f"{rng.randrange(900, 1000)}-{group}-{serial}"
    area = f"{rng.randrange(1, 900):03d}".replace("666", "665")
    return f"{area}-00-{serial}" if kind == 3 else f"{area}-{group}-0000"
