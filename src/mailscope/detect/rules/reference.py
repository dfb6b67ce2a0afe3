"""The reference data of the intrusion rules (``detect/data/attacks.json``), loaded once.

No detections here: privileged role ids, free-mail domains, sign-in error codes, attack-tool
user agents and exfiltration-tool app settings, each as a typed accessor.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import orjson


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(
        files("mailscope.detect").joinpath("data/attacks.json").read_bytes()
    )
    return data


def _section(name: str) -> dict[str, Any]:
    section = _data()[name]
    assert isinstance(section, dict)
    return section


def consumer_mail_domains() -> tuple[str, ...]:
    """Free-mail domains: always outside the tenant."""
    return tuple(str(d) for d in _section("consumer_mail_domains")["domains"])


def top_roles() -> dict[str, str]:
    """Role template id -> name of the roles that control the whole tenant."""
    return {str(k): str(v) for k, v in _section("privileged_roles")["top"].items()}


def top_role_names() -> tuple[str, ...]:
    """Lower-case display / well-known names of the top roles (ids are anonymised in some
    exports; the name survives)."""
    return tuple(str(n) for n in _section("privileged_roles")["top_names"])


def privileged_roles() -> dict[str, str]:
    """Role template id -> name of the other privileged roles."""
    return {str(k): str(v) for k, v in _section("privileged_roles")["privileged"].items()}


def logon_codes(kind: str) -> tuple[int, ...]:
    """Sign-in error codes of ``kind``: 'password', 'password_right' or 'mfa_failed'."""
    return tuple(int(c) for c in _section("logon_failures")[kind])


def named_tool_agents() -> dict[str, str]:
    """Lower-case user-agent fragment -> tool name, for tools that name themselves."""
    return {str(k): str(v) for k, v in _section("tool_user_agents")["named"].items()}


def scripting_agents() -> tuple[str, ...]:
    """Lower-case user-agent fragments of scripting HTTP clients (never evidence alone)."""
    return tuple(str(a) for a in _section("tool_user_agents")["scripting"])


def exfil_reply_urls() -> dict[str, str]:
    """Reply-URL fragment -> exfiltration tool whose default app registration uses it."""
    return {str(k): str(v) for k, v in _section("exfil_app_reply_urls")["urls"].items()}


def extra_mail_permissions() -> tuple[str, ...]:
    """App permissions / Exchange app roles reaching every mailbox, beyond ``apps.json``."""
    return tuple(str(n) for n in _section("app_mail_permissions")["names"])


def mailbox_wide_roles() -> tuple[str, ...]:
    """Exchange management roles that reach every mailbox."""
    return tuple(str(n) for n in _section("mailbox_wide_exchange_roles")["roles"])


def directory_collections() -> tuple[str, ...]:
    """Graph collections an enumeration tool walks (lower-case path segments)."""
    return tuple(str(p) for p in _section("graph_directory_collections")["paths"])


def portal_apps() -> tuple[str, ...]:
    """App ids of the Microsoft admin portals (their page loads enumerate the directory)."""
    return tuple(str(a) for a in _section("graph_directory_collections")["portal_apps"])


def sql_int_list(values: tuple[int, ...]) -> str:
    """A SQL ``(…)`` list of integers."""
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def sql_like_any(column: str, fragments: tuple[str, ...] | list[str]) -> str:
    """SQL true when ``column`` contains any of ``fragments`` (package data, quotes doubled)."""
    parts = [f"{column} LIKE '%" + f.replace("'", "''") + "%'" for f in sorted(fragments)]
    return "(" + " OR ".join(parts) + ")" if parts else "false"
