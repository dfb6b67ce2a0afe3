"""Organisation views built by hand for the linking and status tests."""

from __future__ import annotations

from mailscope.campaign.views import Mailbox, OrgView, Trace

OWA = "9199bf20-a13f-4107-85dc-02114787ef48"  # One Outlook Web: first-party
EXCHANGE_ONLINE_IP = "52.97.146.133"  # inside Microsoft 365's published Exchange ranges
VPN_EXIT = "146.70.199.84"  # M247, a commercial VPN exit staff sign in from
PROXY = "185.38.142.229"  # a Storm-0558 SoftEther proxy
ACTOR_APP = "4b2843f3-feb0-4540-9078-8571680ddf30"


def trace(
    kind: str,
    value: str,
    *,
    ordinary: int = 0,
    tier: str = "confirmed",
    first: str = "2023-05-16T01:00:00Z",
    last: str = "2023-05-16T03:00:00Z",
) -> Trace:
    return Trace(kind, value, first, last, 40, tier, ordinary, (f"{value}|key",))


def view(
    name: str,
    *traces: Trace,
    found: bool | None = True,
    rules: tuple[str, ...] = ("MS-TOKEN-NO-SIGNIN",),
    unassessed: str = "",
    boxes: int = 2,
) -> OrgView:
    mailboxes = tuple(
        Mailbox(f"user{k}@{name}", "Bureau", "2023-05-16T01:00:00Z", "2023-05-16T03:00:00Z", 10)
        for k in range(boxes if found else 0)
    )
    return OrgView(
        name=name,
        source=f"/cases/{name}",
        source_kind="case",
        intrusion_found=found,
        unassessed=unassessed,
        mailboxes=mailboxes,
        exposed_messages=sum(m.exposed_messages for m in mailboxes),
        traces=tuple(traces),
        rules=rules if found else (),
        techniques=(),
        blind_spots=(),
    )
