"""SQL naming people and telling inside from outside (no detections of its own).

Exchange cmdlet records name mailboxes and recipients however the admin typed them: a UPN,
an ``smtp:`` proxy address, an object GUID, an alias, a legacyExchangeDN
(``/o=ExchangeLabs/…/cn=Recipients/cn=<hex>-alias``) or a distinguished name ending in the
object (``NAMPR…/Microsoft Exchange Hosted Organizations/<tenant>/<guid>``). The case itself
says who most of these are: the user directory (object id, mail, alias, display name),
mailbox-audit records (MailboxGuid ↔ MailboxOwnerUPN), Exchange records whose ``ObjectId``
is a GUID and whose ``Identity`` parameter is an address, and Entra UAL records whose
``Target`` lists ``User_<guid>`` next to the UPN. :data:`IDENTITY_CTES` collects the
pairs that are unambiguous within a tenant (``OrganizationId``); :func:`resolved` maps a
value through them and :func:`display` falls back to the raw value.

Tenant domains are the domains of the directory and of the case's own mailboxes and
accounts; free-mail domains are never the tenant's (``attacks.json``).
"""

from __future__ import annotations

from mailscope.detect.apps import sql_list
from mailscope.detect.rules.admin_changes import audit_data
from mailscope.detect.rules.reference import consumer_mail_domains

_GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_FREE = sql_list(list(consumer_mail_domains()))
_TARGET_SHAPE = '[{"ID":"VARCHAR","Type":"INTEGER"}]'
_AAD_TARGETS = f"from_json(json_extract({audit_data()}, '$.Target'), '{_TARGET_SHAPE}')"


def _domain(column: str) -> str:
    return f"lower(split_part({column}, '@', 2))"


IDENTITY_CTES = f"""
tenant_domains AS (
    SELECT DISTINCT domain FROM (
        SELECT {_domain("upn")} AS domain FROM directory_users
        UNION ALL SELECT {_domain("mail")} FROM directory_users
        UNION ALL SELECT {_domain("mailbox_upn")} FROM mail_access
        UNION ALL SELECT {_domain("mailbox_upn")} FROM mail_rules
        UNION ALL SELECT {_domain("mailbox_upn")} FROM audit_events
        UNION ALL SELECT {_domain("user_id")} FROM audit_events
            WHERE workload IN ('Exchange', 'AzureActiveDirectory')
                AND operation NOT IN ('UserLoginFailed', 'UserLoggedIn')
        UNION ALL SELECT {_domain("upn")} FROM signins WHERE success
    ) d
    WHERE domain LIKE '%.%' AND domain NOT IN {_FREE}
),
aad_targets AS (
    SELECT record_key, organization_id AS org, unnest({_AAD_TARGETS}) AS t
    FROM audit_events
    WHERE workload = 'AzureActiveDirectory'
        AND operation NOT IN ('UserLoggedIn', 'UserLoginFailed')
        AND json_valid(raw)
),
identity_pairs AS (
    SELECT CAST(NULL AS VARCHAR) AS org, lower(object_id) AS key, lower(upn) AS upn
    FROM directory_users
    UNION ALL SELECT NULL, lower(mail), lower(upn) FROM directory_users
    UNION ALL SELECT NULL, lower(split_part(upn, '@', 1)), lower(upn) FROM directory_users
    UNION ALL SELECT NULL, lower(split_part(mail, '@', 1)), lower(upn) FROM directory_users
    UNION ALL SELECT NULL, lower(display_name), lower(upn) FROM directory_users
    UNION ALL SELECT DISTINCT organization_id, lower(mailbox_guid), lower(mailbox_upn)
    FROM audit_events WHERE mailbox_guid <> '' AND mailbox_upn LIKE '%@%'
    UNION ALL SELECT DISTINCT NULL, lower(mailbox_guid), lower(mailbox_upn)
    FROM mail_access WHERE mailbox_guid <> '' AND mailbox_upn LIKE '%@%'
    UNION ALL SELECT organization_id, lower(object_id),
        lower(json_extract_string(parameters, '$.Identity'))
    FROM audit_events
    WHERE workload = 'Exchange' AND object_id NOT LIKE '%@%' AND object_id NOT LIKE '%\\%'
        AND json_extract_string(parameters, '$.Identity') LIKE '%@%'
    UNION ALL SELECT g.org, lower(substr(g.t.ID, 6)),
        lower(regexp_replace(u.t.ID, '^[0-9a-fA-F]{{32}}', ''))
    FROM aad_targets g JOIN aad_targets u ON g.record_key = u.record_key
    WHERE g.t.Type = 2 AND regexp_matches(lower(g.t.ID), '^user_{_GUID}$')
        AND u.t.Type = 5 AND u.t.ID LIKE '%@%'
),
identities AS (
    SELECT org, key, min(upn) AS upn FROM identity_pairs
    WHERE key IS NOT NULL AND key <> '' AND upn LIKE '%@%'
    GROUP BY org, key
    HAVING count(DISTINCT upn) = 1
)"""
"""CTEs ``tenant_domains`` (domain) and ``identities`` (org, key, upn)."""


def identity_key(value: str) -> str:
    """SQL normalising a recipient reference to a lookup key: lower case, no quotes or
    brackets, no ``smtp:``/``x500:`` prefix, the last segment of a DN or legacyExchangeDN
    (without ``cn=``), no ``User_`` or 32-hex prefix."""
    stripped = f"trim(lower(coalesce({value}, '')), ' \"''<>[]')"
    no_prefix = f"regexp_replace({stripped}, '^(smtp|sip|x500|ex):', '')"
    last = f"regexp_replace({no_prefix}, '^.*[/\\\\](cn=)?', '')"
    return f"regexp_replace({last}, '^(user_|[0-9a-f]{{32}}-)', '')"


def resolved(value: str, org: str = "NULL") -> str:
    """SQL for the address ``value`` names: the address itself (through the directory when
    it is a proxy address), else the one UPN the case ties to the key; NULL when unknown."""
    key = identity_key(value)
    lookup = (
        f"(SELECT CASE WHEN count(DISTINCT i.upn) = 1 THEN min(i.upn) END FROM identities i "
        f"WHERE i.key = {key} AND (i.org IS NULL OR {org} IS NULL OR i.org = {org}))"
    )
    return f"(CASE WHEN {key} LIKE '%_@_%' THEN coalesce({lookup}, {key}) ELSE {lookup} END)"


def raw_name(value: str) -> str:
    """SQL for the raw text of ``value``, trimmed, without the Exchange Online DN prefix
    (``NAMPR…/Microsoft Exchange Hosted Organizations/<tenant>/``)."""
    return (
        f"nullif(regexp_replace(trim({value}), "
        f"'^.*/Microsoft Exchange Hosted Organizations/[^/]+/', '', 'i'), '')"
    )


def display(*values: str, org: str = "NULL") -> str:
    """SQL naming the first of ``values`` the case can resolve by address, else the first
    non-empty raw value (DN prefix removed)."""
    names = [resolved(v, org) for v in values] + [raw_name(v) for v in values]
    return f"coalesce({', '.join(names)})"


def is_internal(address: str) -> str:
    """SQL: true when ``address`` is in a tenant domain (or a sub-domain of one), false when
    it is a free-mail address or the tenant's domains are known and it is in none, NULL
    when nothing in the case says which domains are the tenant's."""
    domain = f"lower(split_part({address}, '@', 2))"
    return (
        f"(CASE WHEN {address} IS NULL OR {address} NOT LIKE '%_@_%' THEN NULL "
        f"WHEN {domain} IN {_FREE} THEN false "
        f"WHEN EXISTS (SELECT 1 FROM tenant_domains d WHERE {domain} = d.domain "
        f"OR {domain} LIKE '%.' || d.domain) THEN true "
        f"WHEN EXISTS (SELECT 1 FROM tenant_domains) THEN false END)"
    )


def is_guid(value: str) -> str:
    """SQL: true when ``value`` is a bare GUID."""
    return f"regexp_matches(lower(coalesce({value}, '')), '^{_GUID}$')"
