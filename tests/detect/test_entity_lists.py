"""entity_lists: the one way rule SQL aggregates entity columns, and why its plain
``list(DISTINCT x)`` gives the same findings as the ORDER BY / FILTER forms it replaced."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from mailscope.detect.context import build_context
from mailscope.detect.events import at, audit, directory_audit, merge
from mailscope.detect.registry import builtin_detections
from mailscope.detect.rule import ENTITY_COLUMNS, Rows, entity_lists, finding_from_row
from mailscope.detect.rule_tests import load_rows
from mailscope.store.case import open_case

RULES = {detection.id: detection for detection in builtin_detections()}


def test_one_aggregate_per_column_in_the_order_given() -> None:
    fragment = entity_lists(users="lower(n.user_id)", ips="n.client_ip", evidence_keys="k")
    assert fragment == (
        "list(DISTINCT lower(n.user_id)) AS users,\n"
        "    list(DISTINCT n.client_ip) AS ips,\n"
        "    list(DISTINCT k) AS evidence_keys"
    )


def test_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="not entity columns: ip, mailbox"):
        entity_lists(ip="client_ip", mailbox="mailbox_upn", users="user_id")


def _entities(row: dict[str, object]) -> dict[str, tuple[str, ...]]:
    """The entity fields of the Finding built from one result row."""
    finding = finding_from_row(
        row, rule_id="R", title="t", severity="low", confidence=0.5, attack_ids=()
    )
    return {name: getattr(finding, name) for name in ENTITY_COLUMNS}


# Aggregates the built-in rules used before entity_lists (x: the column, t: the time).
REPLACED_FORMS = (
    "array_agg(DISTINCT x)",
    "array_agg(DISTINCT x) FILTER (WHERE x IS NOT NULL)",
    "list(DISTINCT x ORDER BY x)",
    "list(DISTINCT x) FILTER (WHERE x IS NOT NULL)",
    "list(DISTINCT x ORDER BY x) FILTER (WHERE x IS NOT NULL)",
    "list(x ORDER BY t, x)",
)


@pytest.mark.parametrize("form", REPLACED_FORMS)
def test_replaced_aggregate_gives_the_same_finding(form: str) -> None:
    connection = duckdb.connect(":memory:")
    connection.execute(
        "CREATE TABLE e AS SELECT * FROM (VALUES (1, 'b', 3), (1, NULL, 1), (1, 'a', 2), "
        "(1, 'b', 0), (1, '', 4), (2, NULL, 0), (2, NULL, 1)) v(g, x, t)"
    )
    groups = "FROM e GROUP BY g ORDER BY g"
    old = connection.execute(f"SELECT {form} AS ips {groups}").fetchall()
    new = connection.execute(f"SELECT {entity_lists(ips='x')} {groups}").fetchall()
    assert [_entities({"ips": v}) for (v,) in old] == [_entities({"ips": v}) for (v,) in new]
    assert _entities({"ips": new[0][0]})["ips"] == ("a", "b")
    assert _entities({"ips": new[1][0]})["ips"] == ()


def _query(tmp_path: Path, rows: Rows, sql: str) -> list[dict[str, object]]:
    connection = open_case(tmp_path / "case", create=True)
    try:
        load_rows(connection, rows)
        build_context(connection)
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()


def _protocol(mailbox: str | None, ip: str | None, minutes: int) -> dict[str, object]:
    identity = f'"Identity":"{mailbox}",' if mailbox else ""
    operation = "Set-CASMailbox" if mailbox else "Set-CASMailboxPlan"
    parameters = "{" + identity + '"ImapEnabled":"True"}'
    return audit(operation, time=at(1, minutes / 60), client_ip=ip, parameters=parameters)


def _opened(ip: str | None, minutes: int) -> dict[str, object]:
    grant = "PermissionGrantPolicyIdsAssignedToDefaultUserRole"
    policy = "ManagePermissionGrantsForSelf.microsoft-user-default-legacy"
    change = f'[{{"name":"{grant}","old":"[]","new":"[{policy}]"}}]'
    return directory_audit(
        "Update authorization policy",
        time=at(hours=minutes / 60),
        category="Policy",
        initiated_by_ip=ip,
        modified_properties=change,
    )


# Per rule: its entity_lists call as shipped, the SQL it replaced, and evidence with
# repeated, NULL and empty entity values.
BEFORE = {
    "MS-LEGACY-PROTOCOL-ENABLED": (
        entity_lists(mailboxes="mailbox", users="actor", ips="ip", evidence_keys="record_key"),
        "list(DISTINCT mailbox ORDER BY mailbox) FILTER (WHERE mailbox IS NOT NULL) AS mailboxes,"
        "\n    list(DISTINCT actor) AS users,"
        "\n    list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL) AS ips,"
        "\n    list(record_key ORDER BY time, record_key) AS evidence_keys",
        merge(
            _protocol("bob@example.org", "203.0.113.9", 0),
            _protocol("carol@example.org", None, 1),
            _protocol("bob@example.org", "203.0.113.9", 2),
            _protocol(None, "", 3),
        ),
    ),
    "MS-CONSENT-POLICY-OPENED": (
        entity_lists(users="actor", ips="ip", evidence_keys="record_key"),
        "array_agg(DISTINCT actor) FILTER (WHERE actor IS NOT NULL) AS users,"
        "\n    array_agg(DISTINCT ip) FILTER (WHERE ip IS NOT NULL) AS ips,"
        "\n    array_agg(DISTINCT record_key) AS evidence_keys",
        merge(*(_opened(ip, minutes) for minutes, ip in enumerate((None, "203.0.113.9", None)))),
    ),
}


@pytest.mark.parametrize("rule_id", sorted(BEFORE))
def test_rule_finds_the_same_entities_as_before(rule_id: str, tmp_path: Path) -> None:
    shipped, replaced, rows = BEFORE[rule_id]
    sql = RULES[rule_id].sql
    assert sql.count(shipped) == 1, "the rule no longer selects these entity lists"
    new = _query(tmp_path / "new", rows, sql)
    old = _query(tmp_path / "old", rows, sql.replace(shipped, replaced))
    assert new, "the evidence must make the rule fire"
    assert new != old, "the evidence must tell the two forms apart (NULLs, order, repeats)"
    assert [_entities(row) for row in new] == [_entities(row) for row in old]
