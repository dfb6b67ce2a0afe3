"""Actor clustering on hand-made store rows: seeds must be confirmed, expansion runs only
through strong keys, look-alikes stay out, and every attribution carries its chain."""

from __future__ import annotations

from pathlib import Path

import duckdb

from mailscope.scope.activity import build_activity
from mailscope.scope.actor import CONFIRMED, SUSPECTED, Actor, cluster_actor
from tests.scope.rows import (
    SIGNIN_KINDS,
    T0,
    finding,
    hours,
    insert,
    new_case,
    read,
    signin,
    signin_export,
)

OFFICE = "198.51.100.10"
PROXY = "203.0.113.5"
HOTEL = "198.51.100.7"
VENDOR = "20.51.6.11"
GRAPH = "00000003-0000-0000-c000-000000000000"
OWA = "9199bf20-a13f-4107-85dc-02114787ef48"
USERS = ("v@x", "w@x", "u@x", "admin@x")


def _cluster(connection: duckdb.DuckDBPyConnection) -> Actor:
    build_activity(connection)
    return cluster_actor(connection)


def _mailboxes(connection: duckdb.DuckDBPyConnection, actor: Actor, tier: str) -> set[str]:
    combos = [c for c, link in actor.combos.items() if link.tier == tier]
    if not combos:
        return set()
    rows = connection.execute(
        "SELECT DISTINCT mailbox FROM _activity WHERE source = 'mail_access' "
        "AND combo IN (SELECT unnest(?::UBIGINT[]))",
        [combos],
    ).fetchall()
    return {str(r[0]) for r in rows}


def _cover(connection: duckdb.DuckDBPyConnection, kinds: tuple[str, ...] = SIGNIN_KINDS) -> None:
    """Sign-in exports spanning T0 - 2 days .. T0 + 3 days, each user at the office."""
    signin_export(connection, USERS, T0 - hours(48), T0 + hours(72), ip=OFFICE, kinds=kinds)


def _benign_office(connection: duckdb.DuckDBPyConnection) -> None:
    """Two owners reading their own mail from the office with signed-in sessions."""
    _cover(connection)
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
    assert actor.values("session") == ["FS"]
    assert actor.values("token") == ["FT"]
    assert actor.values("ip") == [PROXY]
    assert actor.values("app") == []  # the shared first-party app id is never followed
    assert _mailboxes(connection, actor, CONFIRMED) == {"v@x", "u@x"}
    chain = actor.chain(("ip", PROXY))
    assert chain[0].startswith("forged-token signal: token FT")


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
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(2),
        ip=OFFICE,
        session=None,
        token=None,
        message_id="<idless@x>",
    )
    actor = _cluster(connection)
    assert actor.values("session") == ["FS"]
    assert OFFICE in actor.shared_ips
    assert _mailboxes(connection, actor, CONFIRMED) == {"v@x"}
    # The id-less read from the shared office address near the actor's use is only suspected.
    assert _mailboxes(connection, actor, SUSPECTED) == {"w@x"}


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
    assert not _cluster(connection).combos


def test_archiver_app_only_tokens_exchange_sessions_and_id_less_records(tmp_path: Path) -> None:
    """The look-alike that put every mailbox in scope: app-only Graph reads whose tokens only
    service-principal sign-ins issued, Exchange's own SessionId on every record, AppId the
    Graph resource, and some records without AppAccessContext."""
    connection = new_case(tmp_path)
    _benign_office(connection)
    for n, upn in enumerate(USERS):
        at = T0 + hours(1 + n)
        signin(
            connection,
            upn="",
            ip=VENDOR,
            session="",
            token=f"AR{n}",
            at=at,
            kind="service_principal",
            app="archiver",
        )
        key = read(
            connection,
            mailbox=upn,
            at=at,
            ip=VENDOR,
            session=None,
            token=f"AR{n}",
            app=GRAPH,
            message_id=f"<arch{n}@x>",
        )
        connection.execute(
            "UPDATE mail_access SET session_id = ?, client_app_id = 'archiver' "
            "WHERE record_key = ?",
            [f"exchange-session-{n}", key],
        )
        read(
            connection,
            mailbox=upn,
            at=at,
            ip=VENDOR,
            session=None,
            token=None,
            app=GRAPH,
            message_id=f"<arch-agg{n}@x>",
        )
    finding(connection, "MS-NEW-APP-MAIL", apps=("archiver", GRAPH), ips=(VENDOR,))
    actor = _cluster(connection)
    assert _mailboxes(connection, actor, CONFIRMED) == set()
    assert actor.values("ip") == []


def test_app_only_token_without_a_service_principal_export_is_unknown(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _cover(connection, ("interactive", "noninteractive"))
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(2),
        ip=VENDOR,
        session=None,
        token="AR",
        app="archiver",
        message_id="<g@x>",
    )
    build_activity(connection)
    row = connection.execute(
        "SELECT backing, unknown_reason FROM _activity WHERE source = 'mail_access'"
    ).fetchone()
    assert row == ("unknown", "app_kind_absent")
    assert not cluster_actor(connection).combos


def test_records_before_the_sign_in_export_are_unknown(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _cover(connection)
    read(
        connection,
        mailbox="v@x",
        at=T0 - hours(60),
        ip=PROXY,
        session="OLD",
        token="OLDT",
        message_id="<early@x>",
    )
    build_activity(connection)
    row = connection.execute(
        "SELECT backing, unknown_reason FROM _activity WHERE source = 'mail_access'"
    ).fetchone()
    assert row == ("unknown", "outside_coverage")


def test_bec_origin_and_an_intruders_change_confirm_the_session(tmp_path: Path) -> None:
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
    finding(
        connection,
        "MS-INBOX-RULE-BEC",
        severity="high",
        ips=(attacker,),
        users=("v@x",),
        mailboxes=("v@x",),
    )
    actor = _cluster(connection)
    assert actor.values("ip") == [attacker]
    assert actor.values("session") == ["BS"]
    assert _mailboxes(connection, actor, CONFIRMED) == {"v@x"}
    assert "signed in from 192.0.2.66" in actor.chain(("session", "BS"))[0]


def test_a_traveller_with_only_an_observation_finding_does_not_seed(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    signin(connection, upn="w@x", ip=HOTEL, session="TS", token="TT", at=T0 + hours(5))
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(6),
        ip=HOTEL,
        session="TS",
        token="TT",
        message_id="<e@x>",
    )
    finding(connection, "MS-SYNC-NEW-CONTEXT", severity="medium", ips=(HOTEL,), sessions=("TS",))
    assert not _cluster(connection).combos


def test_shared_ip_named_by_two_rules_is_not_the_actor(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    finding(connection, "MS-MAILBOX-THROTTLED", severity="medium", ips=(OFFICE,))
    finding(connection, "MS-SYNC-NEW-CONTEXT", severity="medium", ips=(OFFICE,))
    assert not _cluster(connection).combos


def test_a_high_finding_nothing_confirms_is_only_suspected(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    signin(
        connection,
        upn="",
        ip="198.51.100.99",
        session="",
        token="NT",
        at=T0,
        kind="service_principal",
        app="newapp",
    )
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(2),
        ip="198.51.100.99",
        session=None,
        token="NT",
        app="newapp",
        message_id="<n@x>",
    )
    finding(connection, "MS-NEW-APP-MAIL", apps=("newapp",))
    actor = _cluster(connection)
    assert _mailboxes(connection, actor, CONFIRMED) == set()
    assert _mailboxes(connection, actor, SUSPECTED) == {"w@x"}
    assert actor.entities[("app", "newapp")].tier == SUSPECTED


def test_oauth_app_tied_by_a_grant_from_the_actor_reads_from_then_on(tmp_path: Path) -> None:
    """Midnight Blizzard: a compromised admin (new address, then a change) grants an app
    mail permissions; the app's app-only reads after the grant are the actor's, its reads
    before the grant are not."""
    connection = new_case(tmp_path)
    _benign_office(connection)
    actor_ip, app = "45.153.231.8", "5a95e683-08ad-424e-a441-1d1aec52c02c"
    # The app existed before (a dormant registration that read one mailbox once).
    signin(
        connection,
        upn="",
        ip=VENDOR,
        session="",
        token="OLD-SP",
        at=T0 + hours(1),
        kind="service_principal",
        app=app,
    )
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(1),
        ip=VENDOR,
        session=None,
        token="OLD-SP",
        app=app,
        message_id="<before@x>",
    )
    signin(connection, upn="admin@x", ip=actor_ip, session="AS", token="AT", at=T0 + hours(10))
    insert(
        connection,
        "directory_audits",
        time=T0 + hours(10.5),
        activity="Add app role assignment to service principal",
        initiated_by_upn="admin@x",
        initiated_by_ip=actor_ip,
        modified_properties=f'[{{"ServicePrincipal.AppId": "{app}"}}]',
    )
    finding(connection, "MS-APP-MAIL-PERMISSION", ips=(actor_ip,), users=("admin@x",), apps=(app,))
    for n, upn in enumerate(("v@x", "u@x")):
        at = T0 + hours(12 + n)
        signin(
            connection,
            upn="",
            ip="91.132.139.207",
            session="",
            token=f"NEW{n}",
            at=at,
            kind="service_principal",
            app=app,
        )
        read(
            connection,
            mailbox=upn,
            at=at,
            ip="91.132.139.207",
            session=None,
            token=f"NEW{n}",
            app=app,
            message_id=f"<after{n}@x>",
        )
    actor = _cluster(connection)
    assert _mailboxes(connection, actor, CONFIRMED) == {"v@x", "u@x"}
    assert actor.app_ties[app] == T0 + hours(10.5)
    assert set(actor.values("ip")) == {actor_ip, "91.132.139.207"}
    assert "Add app role assignment" in actor.chain(("app", app))[-1]


def test_users_absent_from_the_sign_in_export_are_not_judged_forged(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    read(
        connection,
        mailbox="z@x",
        at=T0 + hours(2),
        ip=PROXY,
        session="ZS",
        token="ZT",
        message_id="<z@x>",
    )
    assert not _cluster(connection).combos


def test_ordinary_admin_work_from_a_new_home_address_does_not_seed(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    home = "192.0.2.17"
    signin(connection, upn="w@x", ip=home, session="HS", token="HT", at=T0 + hours(5))
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(6),
        ip=home,
        session="HS",
        token="HT",
        message_id="<home@x>",
    )
    finding(
        connection, "MS-MAILBOX-PERMISSION-GRANT", severity="medium", ips=(home,), users=("w@x",)
    )
    assert not _cluster(connection).combos


def _arm_app(
    connection: duckdb.DuckDBPyConnection, app: str, *, permission: bool, ip: str | None = None
) -> None:
    """Golden SAML lab shape: a new secret on the app, then a delegated Mail grant."""
    insert(
        connection,
        "directory_audits",
        time=T0 + hours(10),
        activity="Update application – Certificates and secrets management ",
        initiated_by_upn="admin@x",
        initiated_by_ip=ip,
        target_names="SimuLandApp",
        modified_properties=f'[{{"name": "AppId", "new": "{app}"}}]',
    )
    if permission:
        insert(
            connection,
            "directory_audits",
            time=T0 + hours(9.9),
            activity="Add delegated permission grant",
            initiated_by_upn="admin@x",
            initiated_by_ip=ip,
            modified_properties='[{"name": "DelegatedPermissionGrant.Scope", '
            '"new": "User.Read Mail.ReadWrite"}]',
        )


def test_an_app_armed_with_a_credential_and_mail_permission_then_used_is_the_actors(
    tmp_path: Path,
) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    app = "5a95e683-08ad-424e-a441-1d1aec52c02c"
    _arm_app(connection, app, permission=True)
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(10.1),
        ip="1.2.3.4",
        session=None,
        token=None,
        app=app,
        message_id="<stolen@x>",
    )
    actor = _cluster(connection)
    assert _mailboxes(connection, actor, CONFIRMED) == {"w@x"}
    assert "new credential" in actor.chain(("app", app))[0]


def test_a_new_secret_without_a_mail_permission_is_not_a_takeover(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    app = "5a95e683-08ad-424e-a441-1d1aec52c02c"
    _arm_app(connection, app, permission=False)
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(11),
        ip="1.2.3.4",
        session=None,
        token=None,
        app=app,
        message_id="<a1@x>",
    )
    assert not _cluster(connection).combos


def test_an_armed_app_first_used_days_later_is_not_a_takeover(tmp_path: Path) -> None:
    connection = new_case(tmp_path)
    _benign_office(connection)
    app = "6b0d3f8e-2c1a-4b9e-8f7d-1a2b3c4d5e6f"
    _arm_app(connection, app, permission=True)
    read(
        connection,
        mailbox="v@x",
        at=T0 + hours(80),
        ip="1.2.3.5",
        session=None,
        token=None,
        app=app,
        message_id="<a2@x>",
    )
    assert not _cluster(connection).combos


def test_app_names_resolve_only_when_one_app_bears_the_name(tmp_path: Path) -> None:
    """A change names an app by display name; that name reaches the app id through the
    app's own records (a sign-in, a CloudAppEvents row whose actor is the app) - unless two
    apps share it, as Entra display names may."""
    from mailscope.scope.grants import named_apps

    connection = new_case(tmp_path)
    insert(connection, "signins", time=T0, app_id="aaaa", app_name="Sync Tool")
    insert(connection, "signins", time=T0, app_id="bbbb", app_name="Backup")
    insert(connection, "signins", time=T0, app_id="cccc", app_name="backup ")
    raw = '{"AccountObjectId": "DDDD", "AccountDisplayName": "SimuLandApp"}'
    insert(connection, "audit_events", time=T0, client_app_id="dddd", raw=raw)
    lookalike = '{"AccountObjectId": "eeee", "AccountDisplayName": "Gustavo Pedro"}'
    insert(connection, "audit_events", time=T0, client_app_id="ffff", raw=lookalike)
    names = named_apps(connection)
    assert names == {"sync tool": {"aaaa"}, "simulandapp": {"dddd"}}


def test_an_app_onboarded_from_the_office_is_not_a_takeover(tmp_path: Path) -> None:
    """The same three records as the Golden SAML chain, made by an administrator from the
    organisation's office network: a vendor app being set up, not taken over."""
    connection = new_case(tmp_path)
    for n in range(1, 7):  # colleagues signing in from the office NAT pool
        signin(
            connection,
            upn=f"staff{n}@x",
            ip=f"192.0.2.{n}",
            session=f"office-{n}",
            token=f"office-tok-{n}",
            at=T0 + hours(n),
        )
    app = "7c1e4f9a-3d2b-4c8e-9f0a-1b2c3d4e5f60"
    _arm_app(connection, app, permission=True, ip="192.0.2.77")
    read(
        connection,
        mailbox="w@x",
        at=T0 + hours(10.1),
        ip="20.51.6.11",
        session=None,
        token=None,
        app=app,
        message_id="<journal@x>",
    )
    assert not _cluster(connection).combos
