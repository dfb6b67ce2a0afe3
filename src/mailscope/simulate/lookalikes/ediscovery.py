"""A compliance administrator's eDiscovery case: a content search over several custodians'
mailboxes, a preview of its results, an export and its download.

eDiscovery reads mailbox content but "won't generate MailItemsAccessed audit records";
its activities are audited apart as RecordType 24 (Discovery), Workload
SecurityComplianceCenter, with the operations and properties listed in Microsoft's
"Search for eDiscovery activities in the audit log" (CaseAdded, SearchCreated,
SearchStarted, SearchPreviewed, PreviewItemListed, PreviewItemRendered, SearchExported,
SearchExportDownloaded; Case, ClientApplication, ExchangeLocations, ObjectId, Query,
SecurityComplianceCenterEventType 0, StartTime).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mailscope.simulate import records
from mailscope.simulate.activity import BROWSER_UA
from mailscope.simulate.evidence import JsonObject
from mailscope.simulate.ids import IdSource, iso
from mailscope.simulate.lookalikes.cast import Cast
from mailscope.simulate.lookalikes.devices import weekday_from
from mailscope.simulate.org import Person
from mailscope.simulate.places import WASHINGTON
from mailscope.simulate.signins import App
from mailscope.simulate.world import World, open_session

COMPLIANCE_PORTAL = App(
    "80ccca67-54bd-44ab-8625-4b79c4dc7775",
    "Microsoft 365 Security and Compliance Center",
    "80ccca67-54bd-44ab-8625-4b79c4dc7775",
    "Microsoft 365 Security and Compliance Center",
    "Browser",
)
QUERIES = (
    '(subject:"visa waiver") AND (sent>=2023-03-01)',
    '"FOIA 2023-0412" OR "records request"',
    "(from:liaison@mofa.example) AND (received>=2023-04-01)",
)
# (operation, ObjectType, minutes after the case is opened)
STEPS = (
    ("CaseAdded", "Case", 0),
    ("SearchCreated", "Search", 4),
    ("SearchStarted", "Search", 5),
    ("SearchPreviewed", "SearchAction", 31),
    ("PreviewItemListed", "SearchAction", 32),
    ("PreviewItemRendered", "SearchAction", 34),
    ("PreviewItemRendered", "SearchAction", 36),
    ("SearchExported", "SearchAction", 41),
    ("SearchExportDownloaded", "SearchAction", 95),
)


def ediscovery_case(world: World, rng: random.Random, ids: IdSource, cast: Cast) -> None:
    """One case on a weekday afternoon, from the investigator's signed-in portal session."""
    investigator = world.org.by_upn[cast.investigator]
    day = weekday_from(world.start + timedelta(days=rng.randrange(1, world.config.days - 1)))
    start = day + timedelta(hours=15, seconds=rng.randrange(0, 3600))
    session = open_session(
        world,
        rng,
        ids,
        person=investigator,
        app=COMPLIANCE_PORTAL,
        ip=investigator.office_ip,
        place=WASHINGTON,
        client_info="",
        user_agent=BROWSER_UA,
        start=start,
        end=start + timedelta(hours=2),
    )
    case_id, search = ids.guid(), f"FOIA-{rng.randrange(100, 999)} custodian search"
    query = rng.choice(QUERIES)
    for operation, kind, minutes in STEPS:
        when = start + timedelta(minutes=minutes, seconds=rng.randrange(0, 50))
        world.evidence.add(
            when,
            discovery_record(
                ids,
                when,
                operation=operation,
                user=investigator,
                ip=session.ip,
                case_id=case_id,
                object_id=case_id if kind == "Case" else search,
                object_type=kind,
                query=query if kind != "Case" else "",
                locations=list(cast.custodians),
                tenant_id=world.org.tenant_id,
            ),
        )
    world.evidence.distractor(
        "ediscovery-search",
        "a compliance administrator searched, previewed and exported custodians' mail in "
        "an eDiscovery case (Discovery records; eDiscovery logs no MailItemsAccessed)",
        upn=investigator.upn,
        custodians=list(cast.custodians),
    )


def discovery_record(
    ids: IdSource,
    when: datetime,
    *,
    operation: str,
    user: Person,
    ip: str,
    case_id: str,
    object_id: str,
    object_type: str,
    query: str,
    locations: list[str],
    tenant_id: str,
) -> JsonObject:
    """One eDiscovery activity record (RecordType 24) as the Purview export shows it."""
    data: JsonObject = {
        "CreationTime": iso(when),
        "Id": ids.guid(),
        "Operation": operation,
        "OrganizationId": tenant_id,
        "RecordType": 24,
        "UserKey": user.upn,
        "UserType": 0,
        "Version": 1,
        "Workload": "SecurityComplianceCenter",
        "ClientIP": ip,
        "ObjectId": object_id,
        "UserId": user.upn,
        "Case": case_id,
        "ClientApplication": "EMC",
        "CmdletVersion": "16.0.4217.000",
        "EffectiveOrganization": records.organization_name(),
        "ObjectType": object_type,
        "SecurityComplianceCenterEventType": 0,
        "StartTime": iso(when - timedelta(seconds=2)),
    }
    if object_type != "Case":
        data["ExchangeLocations"] = locations
        data["Query"] = query
        data["ExtendedProperties"] = [{"Name": "SearchName", "Value": object_id}]
    return data
