"""Consent policy and app credential changes: the tenant opened to illicit consent grants,
secrets and certificates added to apps, and apps registered for exfiltration tools.

* ``Update authorization policy`` with ``PermissionGrantPolicyIdsAssignedToDefaultUserRole``
  set to ``ManagePermissionGrantsForSelf.microsoft-user-default-legacy`` lets every user
  consent to any app for any permission (det-eng-samples T1550.001; Microsoft Learn,
  "Configure how users consent to applications"); the legacy MSOnline switch is
  ``UsersPermissionToUserConsentToAppEnabled``. Opening to all apps is high, to verified
  publishers' low-risk permissions medium.
* A new password or certificate on an app registration or service principal
  (``Update application – Certificates and secrets management``, ``Add service principal
  credentials``) gives whoever holds it the app's permissions (Midnight Blizzard,
  Solorigate). Rotations are routine for registrations (medium); a person adding
  credentials to a service principal is rarer (high; services rotating their own are
  medium). Microsoft's own JIT provisioning of first-party service
  principals (``Add service principal`` with a Credential) is not a credential change.
* An app registered with the reply URL of an exfiltration tool's default configuration
  (rclone: ``http://localhost:53682/``) is high (det-eng-samples T1550.001).
"""

from __future__ import annotations

from mailscope.detect.events import at, directory_audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection
from mailscope.detect.rules.admin_changes import CHANGES_CTES, clean, island_ctes, prop
from mailscope.detect.rules.reference import exfil_reply_urls

_GRANT_POLICY = "PermissionGrantPolicyIdsAssignedToDefaultUserRole"
_ENTITIES = f"""{entity_lists(users="actor", ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen, count(*) AS changes"""

_POLICY_SQL = f"""
WITH {CHANGES_CTES},
policies AS (
    SELECT c.*, lower(coalesce({prop(_GRANT_POLICY, "old")}, '')) AS before,
        lower(coalesce({prop(_GRANT_POLICY)}, '')) AS after,
        lower(coalesce({prop("UsersPermissionToUserConsentToAppEnabled")}, '')) AS legacy
    FROM changes c
    WHERE c.ok AND c.activity IN ('update authorization policy', 'set company information',
        'update company settings')
),
opened AS (
    SELECT *, CASE
        WHEN after LIKE '%microsoft-user-default-legacy%'
             AND before NOT LIKE '%microsoft-user-default-legacy%' THEN 'any app, any permission'
        WHEN legacy LIKE '%true%' THEN 'any app (UsersPermissionToUserConsentToAppEnabled)'
        WHEN (after LIKE '%microsoft-user-default-low%'
              OR after LIKE '%microsoft-user-default-recommended%')
             AND before NOT LIKE '%managepermissiongrantsforself%'
            THEN 'verified publishers, low-risk permissions'
        END AS opened_to
    FROM policies
)
SELECT actor, opened_to, {_ENTITIES},
    CASE WHEN opened_to LIKE 'any app%' THEN 'high' ELSE 'medium' END AS severity
FROM opened WHERE opened_to IS NOT NULL
GROUP BY actor, opened_to
ORDER BY first_seen, actor
"""

_KEYS = "regexp_extract_all(lower(coalesce({value}, '')), 'keyidentifier=|\"keyid\"')"
_CREDENTIAL_SQL = f"""
WITH {CHANGES_CTES},
creds AS (
    SELECT c.*, {_KEYS.format(value=prop("KeyDescription", "old"))} AS before,
        {_KEYS.format(value=prop("KeyDescription"))} AS after,
        c.activity LIKE 'add service principal credentials%' AS on_principal
    FROM changes c
    WHERE c.ok AND (c.activity LIKE 'update application%certificates and secrets%'
        OR c.activity LIKE 'add service principal credentials%'
        OR c.activity LIKE 'create application%certificates and secrets%')
),
added AS (
    SELECT *, coalesce(nullif(target, ''), target_ids) AS app FROM creds
    WHERE on_principal OR len(after) > len(before)
),
{island_ctes("added", "s.actor || '|' || coalesce(s.app, '')")}
SELECT actor, app, island, {_ENTITIES},
    array_agg(DISTINCT regexp_extract(lower(target_ids),
        '[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}', 0))
        FILTER (WHERE target_ids IS NOT NULL) AS apps,
    CASE WHEN bool_or(on_principal) THEN 'service principal' ELSE 'app registration' END
        AS holder,
    CASE WHEN bool_or(on_principal AND actor LIKE '%@%') THEN 'high' ELSE 'medium' END
        AS severity
FROM islands
GROUP BY actor, app, island
ORDER BY first_seen, actor
"""

_URLS = exfil_reply_urls()
_URL_MATCH = " OR ".join(f"c.detail LIKE '%{u}%'" for u in sorted(_URLS))
_TOOL = (
    "CASE "
    + " ".join(f"WHEN c.detail LIKE '%{u}%' THEN '{t}'" for u, t in sorted(_URLS.items()))
    + " END"
)
_APP_ID = f"nullif({clean(prop('AppId'))}, '')"
_EXFIL_APP_SQL = f"""
WITH {CHANGES_CTES}
SELECT c.actor, {_TOOL} AS tool, any_value(c.target) AS app,
    coalesce(any_value({clean(prop("DisplayName"))}), any_value(c.target)) AS app_name,
    {entity_lists(apps=_APP_ID, users="c.actor", ips="c.ip", evidence_keys="c.record_key")},
    min(c.time) AS first_seen, max(c.time) AS last_seen
FROM changes c
WHERE c.ok AND (c.activity LIKE 'add application%' OR c.activity LIKE 'update application%')
    AND ({_URL_MATCH})
GROUP BY c.actor, {_TOOL}
ORDER BY first_seen, c.actor
"""


def _policy(old: str, new: str) -> dict[str, object]:
    return directory_audit(
        "Update authorization policy",
        time=at(1),
        category="Policy",
        modified_properties=f'[{{"name":"{_GRANT_POLICY}","old":"{old}","new":"{new}"}}]',
    )


def _secret(old: str, new: str) -> dict[str, object]:
    return directory_audit(
        "Update application – Certificates and secrets management",
        time=at(1),
        target_names="Payroll Sync",
        modified_properties=f'[{{"name":"KeyDescription","old":"{old}","new":"{new}"}}]',
    )


_KEY = "[KeyIdentifier=1b2c,KeyType=Password,KeyUsage=Verify,DisplayName=k]"
_REPLY = '[{"name":"AppAddress","old":"[]","new":"[{\\"Address\\": \\"ADDRESS\\"}]"}]'
DETECTIONS = (
    sql_detection(
        id="MS-CONSENT-POLICY-OPENED",
        title="User consent policy opened",
        description=(
            "The default user role's permission-grant policy changed so users may consent "
            "to apps themselves: high for any app and permission (…-legacy, or the MSOnline "
            "UsersPermissionToUserConsentToAppEnabled switch), medium for verified "
            "publishers' low-risk permissions."
        ),
        runbook=(
            "Restore 'Do not allow user consent' (or admin-consent workflow); list every "
            "consent granted since the change and revoke the unknown ones."
        ),
        severity="high",
        attack_ids=("T1562", "T1528", "T1550.001"),
        requires=(),
        sql=_POLICY_SQL,
        confidence=0.8,
        explain="{actor} let users consent to {opened_to} ({changes} change(s))",
        tests=(
            RuleTest(
                "consent opened to any app",
                merge(
                    _policy("[]", "[ManagePermissionGrantsForSelf.microsoft-user-default-legacy]")
                ),
                True,
                {"users": ("admin@example.org",)},
            ),
            RuleTest(
                "consent closed",
                merge(
                    _policy("[ManagePermissionGrantsForSelf.microsoft-user-default-legacy]", "[]")
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-APP-CREDENTIAL-ADDED",
        title="Credential added to an app",
        description=(
            "A new password or certificate on an app registration (medium: rotations are "
            "routine) or on a service principal (high: rare, and the Solorigate / Midnight "
            "Blizzard way into an app's permissions)."
        ),
        runbook=(
            "Ask the app owner whether the credential is theirs; remove it if not; review the "
            "app's sign-ins and what it accessed since (service-principal sign-ins, mail reads "
            "by its app id)."
        ),
        severity="medium",
        attack_ids=("T1098.001",),
        requires=(),
        sql=_CREDENTIAL_SQL,
        confidence=0.6,
        explain="{actor} added {changes} credential(s) to {holder} {app}",
        tests=(
            RuleTest("secret added", merge(_secret("[]", _KEY)), True),
            RuleTest("secrets unchanged", merge(_secret(_KEY, _KEY)), False),
        ),
    ),
    sql_detection(
        id="MS-APP-REGISTERED-EXFIL-TOOL",
        title="App registered for an exfiltration tool",
        description=(
            "An app registration whose reply URL is the default of an exfiltration tool "
            "(rclone's http://localhost:53682/), used to pull mail and files out via Graph."
        ),
        runbook=(
            "Delete the app registration and revoke its consents; find the tokens it was "
            "issued (service-principal and user sign-ins with its app id) and what they read."
        ),
        severity="high",
        attack_ids=("T1550.001", "T1567.002", "T1098.003"),
        requires=(),
        sql=_EXFIL_APP_SQL,
        confidence=0.8,
        explain="{actor} registered app {app_name} with the reply URL of {tool}",
        tests=(
            RuleTest(
                "rclone reply URL",
                merge(
                    directory_audit(
                        "Add application",
                        time=at(1),
                        modified_properties=_REPLY.replace("ADDRESS", "http://localhost:53682/"),
                    )
                ),
                True,
            ),
            RuleTest(
                "web app reply URL",
                merge(
                    directory_audit(
                        "Add application",
                        time=at(1),
                        modified_properties=_REPLY.replace(
                            "ADDRESS", "https://crm.example.org/signin"
                        ),
                    )
                ),
                False,
            ),
        ),
    ),
)
