"""Actor clustering on hand-made store rows: seeds must be confirmed, expansion must not
run through shared infrastructure, and look-alikes stay out."""

from __future__ import annotations

from pathlib import Path

import duckdb

from mailscope.scope.activity import build_activity
from mailscope.scope.actor import Actor, cluster_actor
from tests.scope.rows import T0, finding, hours, new_case, read, signin

OFFICE = "10.0.0.1"
PROXY = "203.0.113.5"
HOTEL = "198.51.100.7"


def _cluster(connection: duckdb.DuckDBPyConnection) -> Actor:
    build_activity(connection)
    return cluster_actor(connection)


def _benign_office(connection: duckdb.DuckDBPyConnection) -> None:
    """Two owners reading their own mail from the office with signed-in sessions."""
    for n, upn in enumerate(("v@x", "w@x")):
        signin(connection, upn=upn, ip=OFFICE, session=f"S{n}", token=f"T{n}", at=T0)
        read(
            connection,
            mailbox=upn,
            at=T0 + hours(1),
            ip=OFFICE,
            session=f"S{n}",
            token=f"T{n}",
            message_id=f"<own{n}@x>",
        )


def test_forged_tokens_seed_the_actor_and_ip_expansion_reaches_id_less_records(
    tmp_path: Path,
) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=PROXY,
        session="FS",
        token="FT",
        message_id="<a@x>",
    )
    # An aggregated record without ids from the same proxy, on another mailbox.
    read(
        connection,
        mailbox="u@x",
        at=T0 + hours(3),
        ip=PROXY,
        session=None,
        token=None,
        message_id="<b@x>",
    )
    actor = _cluster(connection)
    assert actor.sessions == {"FS"}
    assert actor.tokens == {"FT"}
    assert actor.ips == {PROXY}
    assert actor.apps == set()  # the shared first-party app id is never followed


def test_an_office_ip_in_actor_records_is_not_followed(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=OFFICE,
        session="FS",
        token="FT",
        message_id="<a@x>",
    )
    actor = _cluster(connection)
    assert actor.sessions == {"FS"}
    assert OFFICE not in actor.ips
    assert "S0" not in actor.sessions and "S1" not in actor.sessions


def test_missing_ids_are_not_evidence(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=OFFICE,
        session=None,
        token=None,
        message_id="<c@x>",
    )
    actor = _cluster(connection)
    assert not actor.reasons


def test_bec_ip_named_by_two_rules_pulls_in_its_signed_sessions(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    attacker = "192.0.2.66"
    signin(connection, upn="v@x", ip=attacker, session="BS", token="BT", at=T0 + hours(5))
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(5.5),
        ip=attacker,
        session="BS",
        token="BT",
        message_id="<d@x>",
    )
    finding(connection, "signin.new_country", ips=(attacker,))
    finding(connection, "mailbox.forwarding_rule", ips=(attacker,), mailboxes=("v@x",))
    actor = _cluster(connection)
    assert actor.ips == {attacker}
    assert actor.sessions == {"BS"}
    assert "S0" not in actor.sessions


def test_one_weak_finding_on_a_traveller_does_not_seed(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    signin(connection, upn="d@x", ip=HOTEL, session="TS", token="TT", at=T0 + hours(5))
    read(
        connection,
        mailbox="d@x",
        at=T0 + hours(6),
        ip=HOTEL,
        session="TS",
        token="TT",
        message_id="<e@x>",
    )
    finding(connection, "signin.new_country", ips=(HOTEL,), sessions=("TS",))
    assert not _cluster(connection).reasons


def test_shared_ip_named_by_two_rules_is_rejected_as_a_hub(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    finding(connection, "volume.throttled", ips=(OFFICE,))
    finding(connection, "sync.burst", ips=(OFFICE,))
    assert not _cluster(connection).reasons


def test_app_named_by_two_rules_seeds_app_only_reads_and_their_sign_ins(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    signin(
        connection,
        upn="",
        ip="91.132.139.207",
        session="SP1",
        token="AT",
        at=T0 + hours(1),
        kind="service_principal",
        app="evil",
    )
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip="91.132.139.207",
        session=None,
        token="AT",
        app="evil",
        message_id="<f@x>",
    )
    finding(connection, "app.new_app_reading_mail", apps=("evil",))
    finding(connection, "consent.app_grant", apps=("evil",))
    actor = _cluster(connection)
    assert actor.apps == {"evil"}
    assert actor.ips == {"91.132.139.207"}
    assert actor.sessions == {"SP1"}


def test_app_named_by_one_rule_is_not_enough(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    signin(
        connection,
        upn="",
        ip="20.51.6.11",
        session="SP2",
        token="AR",
        at=T0,
        kind="service_principal",
        app="archiver",
    )
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip="20.51.6.11",
        session=None,
        token="AR",
        app="archiver",
        message_id="<g@x>",
    )
    finding(connection, "app.drift", apps=("archiver",))
    assert not _cluster(connection).reasons


def test_users_absent_from_the_sign_in_export_are_not_judged_forged(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    read(
        connection,
        mailbox="z@x",
        at=T0 + hours(2),
        ip="10.9.9.9",
        session="ZS",
        token="ZT",
        message_id="<z@x>",
    )
    assert not _cluster(connection).reasons
