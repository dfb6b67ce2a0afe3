"""Whether a record's token was issued by a sign-in in the evidence: the forged-token
judgement, defined once for the detections and the scope stage.

Entra "linkable identifiers": a token carries the ``uniqueTokenIdentifier`` of the sign-in
that issued it (audit ``AppAccessContext.UniqueTokenId``, Graph ``SignInActivityId``) and,
for a delegated token, that sign-in's ``sessionId`` (audit ``AppAccessContext.AADSessionId``,
Graph ``SessionId``). A record is

- **backed** when its token id is found in a sign-in of *any* kind, or its Entra session id
  is the session of a sign-in;
- **forged** (Storm-0558's signal: MSTI 2023-07-14, CISA AA23-193A) when it carries such an
  id, the sign-in kinds that could have issued it are all in the evidence and cover the
  token's issue time, and neither id is found;
- **unknown** otherwise — no ids (Exchange omits them on some aggregated records), a token
  issued outside the sign-in export's window, a sign-in kind absent from the evidence, or
  a user the sign-in export leaves out. Unknown is a counted blind spot, never a signal.

The top-level ``SessionId`` of an Exchange audit record is Exchange's own session and is
never looked up in sign-in logs. A token with an Entra session is delegated and could only
come from user sign-ins (interactive and non-interactive: refreshed tokens appear only in
the latter); a token without one may be app-only, so service-principal sign-ins must be
present too.
"""

from __future__ import annotations

# Access tokens live 60-90 minutes, CAE-capable ones up to 28 hours (Entra docs,
# "Configurable token lifetimes"): a record without IssuedAtTime was issued at most this
# long before it.
TOKEN_LIFETIME = "INTERVAL '28' HOUR"
# Sign-in time precedes the token's issue time by seconds; a token issued this soon after
# the export begins may come from a sign-in just before it.
EDGE = "INTERVAL '10' MINUTE"

USER_KINDS = ("interactive", "noninteractive")
APP_KINDS = ("service_principal",)

UNKNOWN_REASONS: dict[str, str] = {
    "no_ids": "carries no token id and no Entra session id",
    "no_signins": "no sign-in logs in the evidence",
    "user_kind_absent": "interactive or non-interactive sign-ins are not in the evidence",
    "app_kind_absent": "may be an app-only token and no service-principal sign-ins are in "
    "the evidence",
    "outside_coverage": "its token was issued outside the period the sign-in logs cover",
    "user_not_in_signins": "its user appears in no sign-in of the evidence",
}
"""Why a record could not be judged, by the ``unknown_reason`` code."""


def coverage_sql() -> str:
    """CTEs ``_cov`` (one row: user and app-only sign-in coverage), ``_signed_tokens``,
    ``_signed_sessions`` and ``_signed_users``, to prefix a query with ``WITH``."""
    user = ", ".join(f"'{k}'" for k in USER_KINDS)
    return f"""
_kinds AS (SELECT kind, min(time) AS lo, max(time) AS hi FROM signins GROUP BY kind),
_cov AS (
    SELECT
        (SELECT count(*) FROM signins) AS n,
        CASE WHEN count(*) FILTER (WHERE kind IN ({user})) = {len(USER_KINDS)}
             THEN max(lo) FILTER (WHERE kind IN ({user})) END AS user_lo,
        CASE WHEN count(*) FILTER (WHERE kind IN ({user})) = {len(USER_KINDS)}
             THEN min(hi) FILTER (WHERE kind IN ({user})) END AS user_hi,
        max(lo) FILTER (WHERE kind = 'service_principal') AS app_lo,
        max(hi) FILTER (WHERE kind = 'service_principal') AS app_hi
    FROM _kinds
),
_signed_tokens AS (
    SELECT DISTINCT unique_token_id AS id FROM signins WHERE coalesce(unique_token_id, '') <> ''
),
_signed_sessions AS (
    SELECT DISTINCT session_id AS id FROM signins WHERE coalesce(session_id, '') <> ''
),
_signed_users AS (
    SELECT DISTINCT lower(coalesce(nullif(upn, ''), user_id)) AS who FROM signins
    WHERE kind IN ({user})
)"""


def _within(lo: str, hi: str) -> str:
    """The token's possible issue times lie inside [lo, hi]."""
    return (
        f"(CASE WHEN r.issued_at IS NOT NULL THEN r.issued_at BETWEEN {lo} + {EDGE} AND {hi} "
        f"ELSE r.time - {TOKEN_LIFETIME} >= {lo} + {EDGE} AND r.time <= {hi} END)"
    )


def judged_sql(relation: str) -> str:
    """``relation`` (columns ``time``, ``principal``, ``session``, ``token``, ``issued_at``)
    with two columns added: ``backing`` ('backed' | 'forged' | 'unknown') and
    ``unknown_reason`` (a key of :data:`UNKNOWN_REASONS`, NULL unless unknown). Needs the
    CTEs of :func:`coverage_sql` in scope."""
    user_ok = _within("c.user_lo", "c.user_hi")
    app_ok = _within("greatest(c.user_lo, c.app_lo)", "least(c.user_hi, c.app_hi)")
    reason = f"""CASE
        WHEN r.token IS NULL AND r.session IS NULL THEN 'no_ids'
        WHEN bt.id IS NOT NULL OR bs.id IS NOT NULL THEN NULL
        WHEN c.n = 0 THEN 'no_signins'
        WHEN c.user_lo IS NULL THEN 'user_kind_absent'
        WHEN r.session IS NULL AND c.app_lo IS NULL THEN 'app_kind_absent'
        WHEN r.session IS NOT NULL AND NOT {user_ok} THEN 'outside_coverage'
        WHEN r.session IS NULL AND NOT {app_ok} THEN 'outside_coverage'
        WHEN r.principal LIKE '%@%' AND su.who IS NULL THEN 'user_not_in_signins'
    END"""
    return f"""
SELECT r.*,
    CASE WHEN bt.id IS NOT NULL OR bs.id IS NOT NULL THEN 'backed'
         WHEN ({reason}) IS NULL THEN 'forged' ELSE 'unknown' END AS backing,
    {reason} AS unknown_reason
FROM {relation} r
CROSS JOIN _cov c
LEFT JOIN _signed_tokens bt ON bt.id = r.token
LEFT JOIN _signed_sessions bs ON bs.id = r.session
LEFT JOIN _signed_users su ON su.who = r.principal"""
