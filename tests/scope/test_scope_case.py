"""scope_case end to end on hand-made rows: exposure rule, tables, blind spots, contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest

from mailscope.scope.document import validate_document
from mailscope.scope.run import scope_case
from mailscope.store.case import open_case
from tests.scope.rows import T0, hours, message, new_case, read, signin, signin_export, user

PROXY = "203.0.113.5"
SSN_BODY = "Benefits paperwork\nEmployee SSN: 123-45-6780\nPhone 202-555-0123"


def _victim_with_content(connection: duckdb.DuckDBPyConnection) -> None:
    user(connection, "v@x", "Bureau A")
    user(connection, "u@x", "Bureau B")
    signin_export(connection, ("v@x", "w@x", "u@x"), T0 - hours(48), T0 + hours(48))
    signin(connection, upn="v@x", ip="10.0.0.1", session="S0", token="T0", at=T0)
    signin(connection, upn="w@x", ip="10.0.0.1", session="S1", token="T1", at=T0)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(1),
        ip="10.0.0.1",
        session="S0",
        token="T0",
        message_id="<own@x>",
    )
    message(connection, mailbox="v@x", message_id="<own@x>", at=T0 - hours(30))
    message(connection, mailbox="v@x", message_id="<m1@x>", at=T0 - hours(20), body=SSN_BODY)
    message(connection, mailbox="v@x", message_id="<m2@x>", at=T0 - hours(10), body=SSN_BODY)
    message(
        connection,
        mailbox="v@x",
        message_id="<t1@x>",
        at=T0 - hours(9),
        folder="Inbox/Travel",
        body="UA 837 SFO -> NRT",
    )
    message(connection, mailbox="v@x", message_id="<late@x>", at=T0 + hours(40))


def _scope(tmp_path: Path) -> dict[str, Any]:
    path = scope_case(tmp_path / "case")
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def test_bind_and_sync_exposure_and_sensitive_counts(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _victim_with_content(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<m1@x>",
    )
    # Sync of Inbox: Inbox messages dated at or before the sync, not Inbox/Travel, not later.
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(3),
        ip=PROXY,
        session="FS",
        token="FT",
        access="Sync",
        folder="Inbox",
    )
    # A Bind of a message the case has no content for: still exposed.
    read(
        connection,
        mailbox="u@x",
        at=T0 + hours(4),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<nocontent@x>",
    )
    connection.close()
    document = _scope(tmp_path)
    validate_document(document)
    boxes = {m["upn"]: m for m in document["compromised_mailboxes"]}
    assert sorted(boxes) == ["u@x", "v@x"]
    v = boxes["v@x"]
    assert v["exposed_message_ids"] == ["<m1@x>", "<m2@x>", "<own@x>"]
    assert v["exposure_basis"] == {"bind": 1, "sync": 3, "throttled": 0}
    assert v["sensitive"] == {"us_ssn": 1, "itinerary_messages": 0, "marked_messages": 0}
    assert v["first_access"] == "2023-06-05T02:00:00Z"
    assert v["last_access"] == "2023-06-05T03:00:00Z"
    assert boxes["u@x"]["exposed_message_ids"] == ["<nocontent@x>"]
    totals = document["totals"]
    assert totals["us_ssn"] == 1  # the same SSN in two messages counts once
    assert totals["department_share"] == {"Bureau A": 0.75, "Bureau B": 0.25}
    assert document["actor"]["ips"] == [PROXY]
    assert "10.0.0.1" not in document["actor"]["ips"]


def test_throttled_window_exposes_everything_up_to_its_end(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _victim_with_content(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<m1@x>",
    )
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(5),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<m2@x>",
        throttled=True,
    )
    connection.close()
    v = _scope(tmp_path)["compromised_mailboxes"][0]
    # window 05:00 + 24 h: everything dated up to 2023-06-06T05:00, not <late@x> (+40 h)
    assert v["exposed_message_ids"] == ["<m1@x>", "<m2@x>", "<own@x>", "<t1@x>"]
    assert v["exposure_basis"] == {"bind": 2, "sync": 0, "throttled": 4}
    assert v["sensitive"]["itinerary_messages"] == 1


def test_a_throttled_window_before_the_actor_arrived_exposes_nothing(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _victim_with_content(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(1.5),
        ip="10.0.0.1",
        session="S0",
        token="T0",
        message_id="<own@x>",
        throttled=True,
    )
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<m1@x>",
    )
    connection.close()
    v = _scope(tmp_path)["compromised_mailboxes"][0]
    assert v["exposed_message_ids"] == ["<m1@x>"]
    assert v["exposure_basis"]["throttled"] == 0


def test_tables_blind_spots_and_determinism(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _victim_with_content(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<m1@x>",
    )
    read(
        connection,
        mailbox="u@x",
        at=T0 + hours(4),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<nocontent@x>",
    )
    read(connection, mailbox="u@x", at=T0 + hours(4), ip=PROXY, session=None, token=None)
    connection.close()
    first = scope_case(tmp_path / "case").read_bytes()
    assert scope_case(tmp_path / "case").read_bytes() == first
    connection = open_case(tmp_path / "case", read_only=True)
    try:
        kinds = {r[0] for r in connection.execute("SELECT kind FROM scope_blind_spots").fetchall()}
        assert {"no_content", "coverage", "no_token_ids", "source_absent"} <= kinds
        absent = connection.execute(
            "SELECT subject FROM scope_blind_spots WHERE kind = 'source_absent'"
        ).fetchall()
        assert ("graph_activity",) in absent and ("signins",) not in absent
        hits = connection.execute(
            "SELECT kind, redacted FROM scope_sensitive_hits ORDER BY message_id"
        ).fetchall()
        assert hits == [("us_ssn", "***6780")]
        assert connection.execute("SELECT count(*) FROM scope_access").fetchone() == (3,)
        people = connection.execute(
            "SELECT upn, department, reason FROM scope_people ORDER BY upn"
        ).fetchall()
        assert [p[0] for p in people] == ["u@x", "v@x"]
        assert "us_ssn" in people[1][2]
    finally:
        connection.close()


def test_without_sign_in_logs_the_anti_join_is_a_named_blind_spot(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    read(connection, mailbox="v@x", at=T0, ip=PROXY, session="FS", token="FT", message_id="<a@x>")
    connection.close()
    document = _scope(tmp_path)
    assert document["compromised_mailboxes"] == []  # unknown ids are not unsigned without logs
    connection = open_case(tmp_path / "case", read_only=True)
    detail = connection.execute(
        "SELECT detail FROM scope_blind_spots WHERE kind = 'source_absent' AND subject = 'signins'"
    ).fetchone()
    connection.close()
    assert detail is not None and "anti-join" in detail[0]


def test_schema_rejects_a_broken_document(tmp_path: Path) -> None:
    new_case(tmp_path).close()
    document = _scope(tmp_path)
    validate_document(document)
    document["totals"]["mailboxes"] = -1
    with pytest.raises(jsonschema.ValidationError):
        validate_document(document)
    del document["totals"]
    with pytest.raises(jsonschema.ValidationError):
        validate_document(document)


def test_an_actor_account_without_mail_audit_is_a_blind_spot_not_zero_reads(
    tmp_path: Path,
) -> None:
    from mailscope.scope.activity import build_activity
    from mailscope.scope.blind_spots import find_blind_spots

    connection = new_case(tmp_path)
    for account in ("bob@example.org", "carol@example.org"):
        connection.execute(
            "INSERT INTO scope_actor (kind, value, first_seen, last_seen, records, reason, tier) "
            "VALUES ('account', ?, ?, ?, 3, 'signed in from the actor address', 'confirmed')",
            [account, T0, T0 + hours(2)],
        )
    read(
        connection, mailbox="carol@example.org", at=T0, ip="198.51.100.7", session=None, token=None
    )
    build_activity(connection)
    spots = [s for s in find_blind_spots(connection, []) if s.kind == "mail_reads_not_audited"]
    assert [s.subject for s in spots] == ["bob@example.org"]  # carol's reads are audited
    assert "not 0 messages read" in spots[0].detail
