"""Data taken by paths other than mailbox reads: anonymous and external sharing links, and
mass downloads from OneDrive and SharePoint.

Intruders in a mailbox often reach the files beside it: BEC and espionage actors create
"Anyone" links (``AnonymousLinkCreated``) or invite an outside address
(``SharingInvitationCreated`` with ``TargetUserOrGroupType`` ``Guest``) to files they want
to keep, and sync or download whole libraries (``FileDownloaded``,
``FileSyncDownloadedFull``) (Microsoft Learn, "Audit log activities: sharing and access
request activities", "file and page activities"). People share and download every day, so
both are medium: named so a responder sees what else left, and tied to the actor by scope
through the account and address, not by the rule.
"""

from __future__ import annotations

from mailscope.detect.events import at, audit, merge
from mailscope.detect.rule import RuleTest, entity_lists, sql_detection

MASS_DOWNLOAD_FILES = 50  # distinct files one account downloads within an hour

_FILE = "coalesce(json_extract_string(e.raw, '$.SourceFileName'), e.object_id)"

_SHARING_SQL = f"""
WITH shares AS (
    SELECT e.record_key, e.time, lower(e.user_id) AS actor, e.client_ip AS ip,
        lower(e.operation) AS op, {_FILE} AS file,
        lower(coalesce(json_extract_string(e.raw, '$.TargetUserOrGroupType'), '')) AS target_type,
        json_extract_string(e.raw, '$.TargetUserOrGroupName') AS target
    FROM audit_events e
    WHERE lower(e.operation) IN ('anonymouslinkcreated', 'sharinginvitationcreated',
        'addedtosecurelink')
)
SELECT actor, CAST(time AS DATE) AS day,
    {entity_lists(users="actor", ips="ip", evidence_keys="record_key")},
    min(time) AS first_seen, max(time) AS last_seen,
    count(*) FILTER (WHERE op = 'anonymouslinkcreated') AS links,
    count(*) FILTER (WHERE op <> 'anonymouslinkcreated') AS invites,
    count(DISTINCT file) AS files,
    string_agg(DISTINCT file, ', ' ORDER BY file) AS names,
    coalesce(
        string_agg(DISTINCT target, ', ' ORDER BY target), 'anyone with the link'
    ) AS recipients
FROM shares
WHERE op = 'anonymouslinkcreated' OR target_type = 'guest'
GROUP BY actor, CAST(time AS DATE)
ORDER BY first_seen, actor
"""

_DOWNLOAD_SQL = f"""
WITH downloads AS (
    SELECT e.record_key, e.time, lower(e.user_id) AS actor, e.client_ip AS ip, {_FILE} AS file,
        time_bucket(INTERVAL '1 hour', e.time) AS hour
    FROM audit_events e
    WHERE lower(e.operation) IN ('filedownloaded', 'filesyncdownloadedfull')
),
hours AS (
    SELECT actor, hour FROM downloads GROUP BY actor, hour
    HAVING count(DISTINCT file) >= {MASS_DOWNLOAD_FILES}
)
SELECT d.actor, d.hour,
    {entity_lists(users="d.actor", ips="d.ip", evidence_keys="d.record_key")},
    min(d.time) AS first_seen, max(d.time) AS last_seen, count(DISTINCT d.file) AS files
FROM downloads d JOIN hours h USING (actor, hour)
GROUP BY d.actor, d.hour
ORDER BY first_seen, d.actor
"""


def _share(operation: str, minutes: float, **raw: str) -> dict[str, object]:
    body = ", ".join(f'"{k}": "{v}"' for k, v in {"SourceFileName": "Travel.xlsx", **raw}.items())
    return audit(
        operation,
        time=at(hours=minutes / 60),
        workload="OneDrive",
        object_id="https://contoso-my.sharepoint.com/personal/alice/Documents/Travel.xlsx",
        raw="{" + body + "}",
    )


def _downloads(count: int, spacing_minutes: float) -> list[dict[str, object]]:
    return [
        audit(
            "FileDownloaded",
            time=at(hours=n * spacing_minutes / 60),
            workload="SharePoint",
            object_id=f"https://contoso.sharepoint.com/sites/cables/Shared Documents/c{n}.docx",
            raw=f'{{"SourceFileName": "c{n}.docx"}}',
        )
        for n in range(count)
    ]


DETECTIONS = (
    sql_detection(
        id="MS-DATA-SHARED-OUT",
        title="Files shared outside: anonymous links or guest invitations",
        description=(
            "AnonymousLinkCreated, and SharingInvitationCreated / AddedToSecureLink to a "
            "guest, per account and day, naming the files and recipients."
        ),
        runbook=(
            "Check whether the account's owner shared these files; if not, remove the links "
            "and guest access, and list who used them (AnonymousLinkUsed, FileAccessed)."
        ),
        severity="medium",
        attack_ids=("T1567", "T1530"),
        requires=("audit_events",),
        sql=_SHARING_SQL,
        confidence=0.5,
        explain=(
            "{actor} created {links} anonymous link(s) and {invites} guest invitation(s) to "
            "{files} file(s) ({names}) for {recipients}"
        ),
        tests=(
            RuleTest(
                "anyone link to a file",
                merge(_share("AnonymousLinkCreated", 5)),
                True,
                {"users": ("alice@example.org",)},
            ),
            RuleTest(
                "guest invited to a file",
                merge(
                    _share(
                        "SharingInvitationCreated",
                        5,
                        TargetUserOrGroupType="Guest",
                        TargetUserOrGroupName="drop@protonmail.example",
                    )
                ),
                True,
            ),
            RuleTest(
                "colleague invited, company-wide link",
                merge(
                    _share("SharingInvitationCreated", 5, TargetUserOrGroupType="Member"),
                    _share("CompanyLinkCreated", 9),
                ),
                False,
            ),
        ),
    ),
    sql_detection(
        id="MS-MASS-DOWNLOAD",
        title="Mass download from OneDrive or SharePoint",
        description=(
            f"One account downloading or syncing {MASS_DOWNLOAD_FILES}+ distinct files "
            "within an hour (FileDownloaded, FileSyncDownloadedFull)."
        ),
        runbook=(
            "Confirm with the owner (a new device syncing a library looks the same); if not "
            "theirs, the files are taken: list them from the evidence keys."
        ),
        severity="medium",
        attack_ids=("T1530", "T1213.002"),
        requires=("audit_events",),
        sql=_DOWNLOAD_SQL,
        confidence=0.5,
        explain="{actor} downloaded {files} file(s) within the hour from {first_seen}",
        tests=(
            RuleTest(
                "a library in half an hour",
                merge(*_downloads(60, 0.5)),
                True,
                {"users": ("alice@example.org",)},
            ),
            RuleTest("sixty files over three days", merge(*_downloads(60, 72)), False),
            RuleTest("twenty files in an hour", merge(*_downloads(20, 2)), False),
        ),
    ),
)
