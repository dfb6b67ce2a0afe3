"""Folder Sync from a never-seen context, and Sync bursts (detection 6).

A Sync MailItemsAccessed record means a client downloaded a whole folder (Purview docs,
"Use MailItemsAccessed to investigate compromised accounts"). A new laptop does that
too, from a known office IP; a traveller does it after signing in abroad. A Sync is
*from a new context* when the mailbox saw no access from that IP during the learning
window and its user has no successful sign-in from that IP at all. Bursts (several
folders within an hour) alone are weak; new context plus burst is strong, unless a sign-in
issued the token (a new device of the user's own). Microsoft's service addresses (Outlook
mobile syncs from them) and non-public ones are left out.
"""

from __future__ import annotations

from mailscope.detect.events import ACTOR_IP, access, at, history, merge, signin
from mailscope.detect.rule import ACCESS_ENTITIES_SQL, RuleTest, entity_lists, sql_detection

BURST_FOLDERS = 3

_SQL = f"""
WITH issued AS (
    SELECT DISTINCT unique_token_id AS id FROM signins WHERE coalesce(unique_token_id, '') <> ''
),
syncs AS (
    SELECT s.*, s.unique_token_id IN (SELECT id FROM issued) AS backed
    FROM mail_access s CROSS JOIN detect_window w
    WHERE s.access_type = 'Sync' AND s.time >= w.baseline_until
      AND s.client_ip NOT IN (SELECT ip FROM detect_service_ips)
),
known_ips AS (
    SELECT DISTINCT a.mailbox_upn, a.client_ip FROM mail_access a CROSS JOIN detect_window w
    WHERE a.time < w.baseline_until
),
signed_in AS (SELECT DISTINCT lower(upn) AS upn, ip FROM signins WHERE success),
scored AS (
    SELECT s.*,
        NOT EXISTS (SELECT 1 FROM known_ips k
                    WHERE k.mailbox_upn = s.mailbox_upn AND k.client_ip = s.client_ip)
        AND NOT EXISTS (SELECT 1 FROM signed_in g
                        WHERE g.upn = lower(s.user_id) AND g.ip = s.client_ip) AS new_context,
        (SELECT count(DISTINCT o.folder_path) FROM syncs o
         WHERE o.mailbox_upn = s.mailbox_upn AND o.client_ip = s.client_ip
           AND o.time BETWEEN s.time - INTERVAL '1' HOUR AND s.time + INTERVAL '1' HOUR)
            AS nearby_folders
    FROM syncs s
)
SELECT mailbox_upn AS mailbox, client_ip AS ip,
    {entity_lists(mailboxes="mailbox_upn", users="user_id")},
    {ACCESS_ENTITIES_SQL},
    count(DISTINCT folder_path) AS folders,
    max(nearby_folders) AS burst,
    bool_or(new_context) AS new_context,
    CASE WHEN bool_or(new_context) AND max(nearby_folders) >= {BURST_FOLDERS}
              AND NOT bool_or(coalesce(backed, false)) THEN 'high'
         WHEN bool_or(new_context) THEN 'medium' ELSE 'low' END AS severity,
    CASE WHEN bool_or(new_context) THEN 0.7 ELSE 0.3 END AS confidence
FROM scored
WHERE new_context OR nearby_folders >= {BURST_FOLDERS}
GROUP BY mailbox_upn, client_ip
ORDER BY mailbox_upn, client_ip
"""

_BASE = history(range(6))


def _syncs(ip: str, day: float, folders: tuple[str, ...]) -> list[dict[str, object]]:
    return [
        access(
            time=at(day, i * 0.1), access_type="Sync", folder_path=f, message_id=None, client_ip=ip
        )
        for i, f in enumerate(folders)
    ]


_FOLDERS = ("Inbox", "Inbox/Travel", "Sent Items")

DETECTIONS = (
    sql_detection(
        id="MS-SYNC-NEW-CONTEXT",
        title="Folder Sync from a never-seen context or in a burst",
        description=(
            "Sync reads (whole folders) from an IP the mailbox never used during the "
            "learning window and its user never signed in from, or several folders "
            f"({BURST_FOLDERS}+) synced within an hour."
        ),
        runbook=(
            "Ask the user about new devices or travel; check the IP's sign-ins and the "
            "token ids. Every message in a synced folder dated before the Sync is exposed."
        ),
        severity="medium",
        attack_ids=("T1114.002",),
        requires=("mail_access",),
        sql=_SQL,
        confidence=0.6,
        baseline="mail_access",
        explain=(
            "{folders} folder(s) of {mailbox} synced from {ip} (burst of {burst} within an "
            "hour; new context: {new_context})"
        ),
        tests=(
            RuleTest(
                "burst of syncs from an IP with no sign-in",
                merge(_BASE, {"mail_access": _syncs(ACTOR_IP, 8, _FOLDERS)}),
                True,
                {"ips": (ACTOR_IP,)},
            ),
            RuleTest(
                "traveller syncs one folder after signing in abroad",
                merge(
                    _BASE,
                    {"mail_access": _syncs("192.0.2.99", 8, ("Inbox",))},
                    signin(time=at(8), ip="192.0.2.99"),
                ),
                False,
            ),
        ),
    ),
)
