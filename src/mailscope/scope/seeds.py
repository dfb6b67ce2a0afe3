"""Confirmed seeds of the actor: where attribution may start.

Detections fire on look-alikes (a traveller's hotel, the archiving app, an admin's
PowerShell), so a finding alone never seeds the actor. A seed is evidence that holds on its
own:

- **forged ids**: records whose token or Entra session no sign-in issued although the
  sign-in logs could have shown it (:mod:`mailscope.detect.backing`; CISA AA23-193A);
- **indicators**: records matching a published indicator inside its validity window;
- **two independent signals**: a sign-in from an anomalous origin, followed by a change
  from that same address or session that an intruder makes and benign tenants rarely show
  (a hiding or external-forwarding inbox rule, a mail permission or credential given to an
  app …: a high or critical finding that is not itself about reading mail). An origin is
  anomalous when the user had never used the address and no other user signed in from it,
  or when the success came after failed password attempts on that account from the same
  address within the hour (credential guessing, MITRE T1110) - an address other staff use
  too (a commercial VPN exit) then names the sessions begun there, never the address.
  Ordinary admin work from home (a mailbox permission, a folder grant) is medium and never
  a second signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import orjson

from mailscope.intel.addresses import identifies
from mailscope.scope.combos import Entity, Graph, third_party
from mailscope.scope.grants import (
    CREDENTIAL_ACTIVITIES,
    PERMISSION_ACTIVITIES,
    AppGrant,
    app_grants,
)

# Findings about *reading* mail or signing in: they describe the access itself, so they can
# never be the second, independent signal of an access from an anomalous origin.
OBSERVATION_RULES = frozenset(
    {
        "MS-TOKEN-NO-SIGNIN",
        "MS-GRAPH-NO-SIGNIN",
        "MS-NEW-APP-MAIL",
        "MS-APP-NEW-FOR-MAILBOX",
        "MS-APP-MAILBOX-DRIFT",
        "MS-SYNC-NEW-CONTEXT",
        "MS-MAILBOX-THROTTLED",
        "MS-MAIL-VOLUME-SPIKE",
        "MS-READ-IP-NO-SIGNIN",
        "MS-REST-OTHERS-MAIL",
        "MS-NON-OWNER-NEW",
    }
)
ACTION_SEVERITIES = ("high", "critical")
IOC_SEVERITIES = ("high", "critical")
# A user needs this much sign-in history before an address can be new to them.
HISTORY = timedelta(days=1)
# An app armed with a credential and mail permissions, then used this soon, is taken over.
TAKEOVER_USE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Seed:
    """Identifiers (and records) that evidence ties to the actor on its own."""

    entities: tuple[Entity, ...]
    reason: str
    records: tuple[str, ...]
    record_keys: tuple[str, ...] = ()  # records confirmed directly (indicator matches)
    app_tie: tuple[str, datetime] | None = None  # an app that is the actor's from then on


def is_ioc_rule(rule_id: str) -> bool:
    """Intel retro-hunt rules (``intel:*`` / ``*ioc*`` ids) match published indicators."""
    lowered = rule_id.lower()
    return lowered.startswith("intel") or "ioc" in lowered


def is_observation(rule_id: str) -> bool:
    """Rules that describe mail reads or sign-ins rather than a change an intruder makes."""
    return rule_id in OBSERVATION_RULES or "mailitemsaccessed" in rule_id.lower()


def find_seeds(connection: duckdb.DuckDBPyConnection, graph: Graph) -> list[Seed]:
    """Every confirmed seed of the case, in a stable order."""
    return [
        *forged_seeds(connection),
        *indicator_seeds(connection),
        *origin_seeds(connection),
        *app_takeover_seeds(app_grants(connection), graph),
    ]


def _routine(credential: AppGrant, permissions: list[AppGrant]) -> bool:
    """Administration as usual: every change of the pair whose address is known came from a
    network its maker or the organisation routinely signs in from, and one address is
    known (an app onboarded from the office). A change with no address to judge by, or
    from an unfamiliar one, is not routine."""
    changes = [credential, *permissions]
    known = [g for g in changes if g.ip]
    return bool(known) and all(g.familiar for g in known)


def app_takeover_seeds(grants: list[AppGrant], graph: Graph) -> list[Seed]:
    """An app given a new credential, and mail permissions by the same account, that reads
    mail within :data:`TAKEOVER_USE` — a stolen or forged identity arming an app (the Golden
    SAML and Midnight Blizzard chains): three independent records, one story."""
    seeds = []
    tied: set[str] = set()
    for credential in (g for g in grants if g.is_kind(CREDENTIAL_ACTIVITIES)):
        permissions = [
            g
            for g in grants
            if g.is_kind(PERMISSION_ACTIVITIES)
            and g.initiator == credential.initiator
            and abs(g.time - credential.time) <= TAKEOVER_USE
        ]
        if not permissions or _routine(credential, permissions):
            continue
        start = max(credential.time, *(g.time for g in permissions)) - TAKEOVER_USE
        for app in credential.apps:
            if app in tied or not third_party(app):
                continue
            reads = [
                c
                for c in graph.using(("app", app))
                if c.reads_mail and credential.time <= c.first <= credential.time + TAKEOVER_USE
            ]
            if not reads or start > reads[0].first:
                continue
            tied.add(app)
            permission = permissions[0]
            reason = (
                f"app {app} was given a new credential ({credential.activity}, "
                f"{credential.time:%Y-%m-%d %H:%M}) and mail permissions ({permission.activity}, "
                f"{permission.time:%H:%M}) by {credential.initiator or '?'}, then read mail "
                f"at {reads[0].first:%Y-%m-%d %H:%M}"
            )
            seeds.append(
                Seed(
                    (),
                    reason,
                    (credential.key, permission.key, reads[0].sample),
                    app_tie=(app, min(credential.time, permission.time)),
                )
            )
    return seeds


def forged_seeds(connection: duckdb.DuckDBPyConnection) -> list[Seed]:
    """One seed per forged token (or session, for records without a token)."""
    seeds = []
    for token, session, records, first, last, sample, mailboxes in connection.execute(
        "SELECT token, session, count(*), min(time), max(time), min(record_key), "
        "count(DISTINCT mailbox) FROM _activity WHERE backing = 'forged' "
        "GROUP BY token, session ORDER BY min(time), token, session"
    ).fetchall():
        entities = tuple(entity for entity in (("token", token), ("session", session)) if entity[1])
        named = " and ".join(f"{kind} {value}" for kind, value in entities)
        seeds.append(
            Seed(
                entities,
                f"forged-token signal: {named} ({records} record(s), {mailboxes} mailbox(es), "
                f"{first:%Y-%m-%d %H:%M}–{last:%H:%M}) appear in no sign-in log, though the "
                "sign-in logs of every kind that could have issued them cover the time",
                (str(sample),),
            )
        )
    return seeds


def indicator_seeds(connection: duckdb.DuckDBPyConnection) -> list[Seed]:
    """Records matching an indicator inside its validity window (high IOC findings)."""
    seeds = []
    for rule_id, explanation, keys, details in connection.execute(
        "SELECT rule_id, explanation, evidence_keys, details FROM findings "
        f"WHERE severity IN {IOC_SEVERITIES} ORDER BY finding_id"
    ).fetchall():
        if not is_ioc_rule(str(rule_id)):
            continue
        value, kind = _indicator(details)
        entities: tuple[Entity, ...] = ()
        if kind == "ip" and value and identifies(value):
            entities = (("ip", value),)
        keys = tuple(str(k) for k in keys or ())
        seeds.append(Seed(entities, f"indicator match ({rule_id}): {explanation}", keys[:3], keys))
    return seeds


def _indicator(details: object) -> tuple[str | None, str | None]:
    try:
        parsed = orjson.loads(str(details or "{}"))
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(parsed, dict):
        return None, None
    kind = str(parsed.get("indicator_type") or "").lower()
    value = parsed.get("indicator")
    return (str(value) if value else None), ("ip" if "ip" in kind else kind or None)


@dataclass(frozen=True, slots=True)
class Origin:
    """A user's first sign-in from an anomalous origin (``shared``: other users sign in
    from the address too, so it names the sessions and not the address)."""

    user: str
    ip: str
    first: datetime
    sessions: tuple[str, ...]
    record: str
    shared: bool = False


def anomalous_origins(connection: duckdb.DuckDBPyConnection) -> list[Origin]:
    """Successful user sign-ins from an address new to the user (after a day of history)
    that no other user signed in from, with the sessions begun there."""
    rows = connection.execute(
        f"""
        WITH s AS (
            SELECT principal AS who, ip, time, session, record_key FROM _activity
            WHERE source = 'signins' AND success AND kind IN ('interactive', 'noninteractive')
              AND ip IS NOT NULL AND principal LIKE '%@%'
        ),
        lone AS (SELECT ip FROM s GROUP BY ip HAVING count(DISTINCT who) = 1),
        since AS (SELECT who, min(time) AS t FROM s GROUP BY who)
        SELECT s.who, s.ip, min(s.time), list(DISTINCT s.session ORDER BY s.session)
                   FILTER (WHERE s.session IS NOT NULL), arg_min(s.record_key, s.time)
        FROM s JOIN lone USING (ip) JOIN since USING (who)
        GROUP BY s.who, s.ip, since.t
        HAVING min(s.time) >= since.t + INTERVAL '{HISTORY.days}' DAY
        ORDER BY 1, 2
        """
    ).fetchall()
    lone = [
        Origin(str(who), str(ip), first, tuple(sessions or ()), str(record))
        for who, ip, first, sessions, record in rows
        if identifies(str(ip))
    ]
    seen = {(o.user, o.ip) for o in lone}
    guessed = [o for o in guessed_origins(connection) if (o.user, o.ip) not in seen]
    return sorted([*lone, *guessed], key=lambda o: (o.user, o.ip))


def guessed_origins(connection: duckdb.DuckDBPyConnection) -> list[Origin]:
    """A user's first success from an address that came within the hour after two or more
    failed sign-ins of that account from the same address (Entra logs the failures with the
    account's name: credential guessing), whoever else uses the address. The failures are
    the anomaly: no day of history is needed."""
    rows = connection.execute(
        """
        WITH s AS (
            SELECT principal AS who, ip, time, session, record_key FROM _activity
            WHERE source = 'signins' AND success AND kind IN ('interactive', 'noninteractive')
              AND ip IS NOT NULL AND principal LIKE '%@%'
        ),
        failed AS (
            SELECT lower(coalesce(upn, user_id)) AS who, ip, time FROM signins
            WHERE NOT success AND ip IS NOT NULL
        ),
        firsts AS (SELECT who, ip, min(time) AS first FROM s GROUP BY who, ip),
        guessed AS (
            SELECT f.who, f.ip, f.first FROM firsts f
            WHERE (SELECT count(*) FROM failed x WHERE x.who = f.who AND x.ip = f.ip
                   AND x.time BETWEEN f.first - INTERVAL 1 HOUR AND f.first) >= 2
        ),
        others AS (SELECT ip, count(DISTINCT who) AS users FROM s GROUP BY ip)
        SELECT g.who, g.ip, g.first,
            list(DISTINCT s.session ORDER BY s.session) FILTER (
                WHERE s.session IS NOT NULL AND s.time <= g.first + INTERVAL 1 DAY),
            arg_min(s.record_key, s.time), any_value(o.users) > 1
        FROM guessed g JOIN s ON s.who = g.who AND s.ip = g.ip AND s.time >= g.first
            JOIN others o ON o.ip = g.ip
        GROUP BY g.who, g.ip, g.first ORDER BY 1, 2
        """
    ).fetchall()
    return [
        Origin(str(who), str(ip), first, tuple(sessions or ()), str(record), bool(shared))
        for who, ip, first, sessions, record, shared in rows
        if identifies(str(ip))
    ]


def origin_seeds(connection: duckdb.DuckDBPyConnection) -> list[Seed]:
    """Anomalous origins followed by an intruder's change from the same address or session."""
    origins = anomalous_origins(connection)
    if not origins:
        return []
    actions = connection.execute(
        "SELECT rule_id, title, explanation, users, ips, sessions, tokens, first_seen, "
        f"evidence_keys FROM findings WHERE severity IN {ACTION_SEVERITIES} ORDER BY finding_id"
    ).fetchall()
    seeds = []
    for origin in origins:
        for rule_id, title, explanation, users, ips, sessions, tokens, first, keys in actions:
            if is_observation(str(rule_id)) or is_ioc_rule(str(rule_id)):
                continue
            named_users = {str(u).lower() for u in users or ()}
            if named_users and origin.user not in named_users:
                continue
            same_place = origin.ip in (ips or ()) or bool(
                set(origin.sessions) & set(sessions or ())
            )
            if not same_place or (first is not None and first < origin.first - timedelta(hours=1)):
                continue
            entities: list[Entity] = [] if origin.shared else [("ip", origin.ip)]
            entities += [("session", s) for s in origin.sessions]
            entities += [("token", str(t)) for t in tokens or () if t]
            seeds.append(
                Seed(
                    tuple(dict.fromkeys(entities)),
                    f"{origin.user} signed in from {origin.ip} at {origin.first:%Y-%m-%d %H:%M}, "
                    f"{_anomaly(origin)}, then {rule_id} ({title}): {explanation}",
                    (origin.record, *(str(k) for k in (keys or ())[:2])),
                )
            )
            break
    return seeds


def _anomaly(origin: Origin) -> str:
    if origin.shared:
        return "after failed password attempts from there, an address new to them"
    return "an address no other user signed in from and new to them"
