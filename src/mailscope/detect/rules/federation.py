"""Federation and domain trust changes (Golden SAML backdoors).

An intruder with Global Administrator can add a domain, verify it and switch it to
federated authentication with their own token issuer and signing certificate
(``Set-MsolDomainAuthentication -Authentication Federated``,
``Set-MsolDomainFederationSettings``, ``New-MgDomainFederationConfiguration``), or change
the signing certificate of an existing federated domain; from then on they mint SAML
tokens for any user of that domain, MFA included (Microsoft, "Solorigate"; Mandiant,
"Remediation and hardening strategies for Microsoft 365", 2021; SigmaHQ
azure_federation_modified, microsoft365_new_federated_domain_added_*). Entra records
these as ``Set domain authentication``, ``Set federation settings on domain`` and
``Add/Verify domain``; Exchange as ``Add-FederatedDomain`` / ``New-FederationTrust``.

Severity: federation switched on or its settings changed is high (AD FS certificate
roll-overs do it too, rarely, and a CERT must confirm them); a domain verified is medium,
an unverified domain added low.
"""

from __future__ import annotations

from mailscope.detect.events import at, audit, directory_audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import CHANGES_CTES, island_ctes, ok, prop

_EXCHANGE_OPS = "('add-federateddomain', 'new-federationtrust', 'set-federationtrust')"
_AUTH = f"lower(coalesce({prop('LiveType')}, {prop('Authentication')}, ''))"

_SQL = f"""
WITH {CHANGES_CTES},
trust AS (
    SELECT c.record_key, c.time, c.actor, c.ip, c.target AS domain, c.activity,
        CASE
            WHEN c.activity LIKE 'set federation settings%'
                OR c.activity LIKE '%federation configuration%'
                OR c.activity LIKE 'set domain federation%' THEN 3
            WHEN c.activity LIKE 'set domain authentication%' AND {_AUTH} LIKE '%federated%' THEN 3
            WHEN c.activity LIKE 'set domain authentication%' THEN 2
            WHEN c.activity IN ('verify domain', 'add verified domain',
                'verify email verified domain') THEN 2
            WHEN c.activity IN ('add unverified domain', 'add domain to company') THEN 1
        END AS rank
    FROM changes c WHERE c.ok
    UNION ALL
    SELECT e.record_key, e.time, lower(e.user_id), e.client_ip,
        coalesce(json_extract_string(e.parameters, '$.DomainName'),
            json_extract_string(e.parameters, '$.Name'), e.object_id), lower(e.operation), 2
    FROM audit_events e
    WHERE lower(e.operation) IN {_EXCHANGE_OPS} AND {ok("e.result")}
),
{island_ctes("(SELECT * FROM trust WHERE rank IS NOT NULL)", "s.actor || '|' || s.domain")}
SELECT actor, domain, island,
    {entity_lists(users="actor", ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS changes,
    string_agg(DISTINCT activity, ', ' ORDER BY activity) AS activities,
    CASE max(rank) WHEN 3 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END AS severity
FROM islands
GROUP BY actor, domain, island
ORDER BY first_seen, actor
"""

DETECTIONS = (
    sql_detection(
        id="MS-FEDERATION-CHANGED",
        title="Domain federation or trust changed",
        description=(
            "A domain switched to federated authentication or its federation settings "
            "(issuer, signing certificate) changed (high); a domain verified or an Exchange "
            "federation trust added (medium); an unverified domain added (low)."
        ),
        runbook=(
            "Compare the domain's federation settings (Get-MgDomainFederationConfiguration) "
            "with the tenant's real identity provider; remove an unknown issuer or "
            "certificate, then treat every token the domain issued since as forged."
        ),
        severity="high",
        attack_ids=("T1484.002", "T1606.002"),
        requires=(),
        sql=_SQL,
        confidence=0.8,
        explain="{actor}: {activities} for {domain} ({changes} change(s))",
        tests=(
            RuleTest(
                "domain switched to federated",
                merge(
                    directory_audit(
                        "Set domain authentication",
                        time=at(1),
                        category="DirectoryManagement",
                        target_names="partner-sso.example.org",
                        modified_properties=(
                            '[{"name":"LiveType","old":"\\"Managed\\"","new":"\\"Federated\\""}]'
                        ),
                    )
                ),
                True,
                {"users": ("admin@example.org",)},
            ),
            RuleTest(
                "domain settings read",
                merge(audit("Get-FederationTrust", time=at(1)), directory_audit("Get domain")),
                False,
            ),
        ),
    ),
)
