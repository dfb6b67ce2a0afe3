"""Field normalisers every reader shares, so that all sources agree on one form.

Times become naive UTC datetimes; IPs lose ports and brackets; UPNs are lower-cased;
InternetMessageIds take the canonical ``<local@domain>`` form; folder paths become
``Inbox/Travel`` whether they came from an audit record (``\\Inbox\\Travel``) or an export.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import orjson

# ``9/20/2023 4:05:03 AM`` (Purview, PowerShell en-US) and the Log Analytics portal export's
# ``4/28/2021, 3:05:26.000 PM`` (a comma after the date).
_US_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:,\s*|[ T])(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?"
    r"\s*([AaPp][Mm])?$"
)
# OData v2 / WCF JSON dates (Windows PowerShell ``ConvertTo-Json``, Reporting Web Service):
# ``/Date(1658751973240)/`` or ``/Date(1658751973240+0100)/``; the number is milliseconds
# since the epoch in UTC whatever the offset says.
_WCF_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")
_FRACTION = re.compile(r"\.(\d{7,})")
_NULLS = frozenset({"", "null", "none", "<null>", "n/a", "not available"})


def blank(value: object) -> bool:
    """True for values that carry no information (None, '', 'null', '<null>' …)."""
    return value is None or (isinstance(value, str) and value.strip().lower() in _NULLS)


def text(value: object) -> str | None:
    """A non-empty string or None; non-strings are rendered (numbers) or JSON-encoded."""
    if blank(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


def parse_time(value: object) -> datetime | None:
    """Parse ISO-8601 (any fraction length, Z or offset), US ``M/D/YYYY h:mm:ss AM`` (with or
    without a comma after the date) or a WCF ``/Date(ms)/``.

    Returns a naive datetime in UTC, or None when the value is blank or not a time.
    """
    if blank(value):
        return None
    if isinstance(value, datetime):
        return _to_utc(value)
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    raw = str(value).strip()
    try:
        return _to_utc(datetime.fromisoformat(_trim_fraction(raw)))
    except ValueError:
        pass
    match = _US_DATE.match(raw)
    if match:
        return _us_time(match)
    wcf = _WCF_DATE.match(raw)
    if wcf:
        return _from_epoch(int(wcf.group(1)) / 1000.0)
    return None


def _trim_fraction(raw: str) -> str:
    # .NET writes 7 fractional digits; Python accepts at most 6.
    return _FRACTION.sub(lambda m: "." + m.group(1)[:6], raw, count=1)


def _to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _from_epoch(seconds: float) -> datetime | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime(1970, 1, 1) + timedelta(seconds=seconds)
    except OverflowError:
        return None


def _us_time(match: re.Match[str]) -> datetime | None:
    month, day, year, hour, minute, second, fraction, half = match.groups()
    hour_n = int(hour)
    if half:
        if not 1 <= hour_n <= 12:
            return None
        hour_n = hour_n % 12 + (12 if half.lower() == "pm" else 0)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            int(year), int(month), int(day), hour_n, int(minute), int(second or 0), micro
        )
    except ValueError:
        return None


def normalise_ip(value: object) -> str | None:
    """``1.2.3.4:5678`` → ``1.2.3.4``; ``[::1]:443`` → ``::1``; IPv6 lower-case, compressed.

    Values that are not IP addresses are returned stripped (logs hold hostnames too).
    """
    raw = text(value)
    if raw is None:
        return None
    candidate = raw
    if candidate.startswith("["):
        candidate = candidate[1:].split("]", 1)[0]
    elif candidate.count(":") == 1:
        candidate = candidate.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(candidate.split("%", 1)[0]))
    except ValueError:
        return raw


def normalise_upn(value: object) -> str | None:
    """UPNs and mail addresses compare case-insensitively: store them lower-cased."""
    raw = text(value)
    return raw.lower() if raw is not None else None


def normalise_message_id(value: object) -> str | None:
    """Canonical ``<local@domain>``: whitespace trimmed, exactly one pair of angle brackets."""
    raw = text(value)
    if raw is None:
        return None
    core = raw.strip().strip("<>").strip()
    return f"<{core}>" if core else None


# Localised names of the well-known top-level folders, mapped to the English names that
# exports and the simulator use (Exchange logs the display name in the mailbox language).
_WELL_KNOWN = {
    "boite de reception": "Inbox",
    "boîte de réception": "Inbox",
    "posteingang": "Inbox",
    "bandeja de entrada": "Inbox",
    "posta in arrivo": "Inbox",
    "postvak in": "Inbox",
    "caixa de entrada": "Inbox",
    "elements envoyes": "Sent Items",
    "éléments envoyés": "Sent Items",
    "gesendete elemente": "Sent Items",
    "elementos enviados": "Sent Items",
    "posta inviata": "Sent Items",
    "elements supprimes": "Deleted Items",
    "éléments supprimés": "Deleted Items",
    "gelöschte elemente": "Deleted Items",
    "elementos eliminados": "Deleted Items",
    "brouillons": "Drafts",
    "entwürfe": "Drafts",
    "borradores": "Drafts",
    "archives": "Archive",
    "archiv": "Archive",
}


def normalise_folder_path(value: object) -> str | None:
    """``\\\\Inbox\\\\Travel`` or ``/Inbox/Travel/`` → ``Inbox/Travel``.

    Localised names of well-known top-level folders become English.
    """
    raw = text(value)
    if raw is None:
        return None
    parts = [p.strip() for p in re.split(r"[\\/]+", raw) if p.strip()]
    if not parts:
        return None
    parts[0] = _WELL_KNOWN.get(parts[0].lower(), parts[0])
    return "/".join(parts)


def to_bool(value: object) -> bool | None:
    """``True``/``"True"``/``"true"``/``1``/``"Yes"`` → True; blank → None."""
    if isinstance(value, bool):
        return value
    if blank(value):
        return None
    if isinstance(value, (int, float)):
        return value != 0
    lowered = str(value).strip().lower()
    if lowered in {"true", "1", "yes", "y", "enabled"}:
        return True
    if lowered in {"false", "0", "no", "n", "disabled"}:
        return False
    return None


def to_int(value: object) -> int | None:
    """An integer from int, float or numeric string; None otherwise."""
    if isinstance(value, bool) or blank(value):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value).strip()))
    except (ValueError, OverflowError):
        return None


def pick(record: Mapping[str, object], *names: str) -> object:
    """The first non-blank value among ``names`` (give every spelling: PascalCase, camelCase …)."""
    for name in names:
        value = record.get(name)
        if not blank(value):
            return value
    return None


def maybe_json(value: object) -> object:
    """Sentinel and CSV exports carry nested objects as JSON strings: decode those, keep others."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
            try:
                return orjson.loads(stripped)
            except orjson.JSONDecodeError:
                return value
    return value


def content_key(*parts: object) -> str:
    """A stable de-duplication key from record content, for records without a usable id."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        try:
            encoded = orjson.dumps(part, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
        except TypeError:  # integers beyond 64 bits, exotic types: slower exact fallback
            encoded = json.dumps(part, sort_keys=True, default=repr).encode()
        digest.update(encoded)
        digest.update(b"\x1f")
    return digest.hexdigest()
