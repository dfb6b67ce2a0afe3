"""Mailbox content: RFC 5322 messages per folder, with sensitive labels known exactly."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.mime.text import MIMEText
from email.utils import format_datetime

from mailscope.simulate import sensitive
from mailscope.simulate.ids import IdSource
from mailscope.simulate.org import Organisation, Person

# What each folder role holds, and how a mailbox's messages spread over the roles; the
# names of the folders come from folders.py (localised, renamed per tenant).
FOLDER_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "inbox": (("general", 70), ("itinerary", 10), ("cable", 10), ("hr_ssn", 4), ("hr", 6)),
    "travel": (("itinerary", 75), ("travel_admin", 25)),
    "cables": (("cable", 80), ("general", 20)),
    "hr": (("hr_ssn", 50), ("hr", 50)),
    "sent": (("general", 75), ("cable", 15), ("itinerary", 10)),
    "archive": (("general", 50), ("cable", 25), ("hr_ssn", 15), ("itinerary", 10)),
}
FOLDER_SHARE: tuple[tuple[str, int], ...] = (
    ("inbox", 40),
    ("travel", 12),
    ("cables", 14),
    ("hr", 8),
    ("sent", 16),
    ("archive", 10),
)
TOPICS = (
    "maritime security consultations",
    "trade delegation logistics",
    "visa policy coordination",
    "embassy staffing review",
    "climate dialogue",
    "semiconductor export controls",
    "fisheries agreement",
    "regional summit planning",
    "consular notification case",
    "public diplomacy campaign",
)
_CRLF = policy.compat32.clone(linesep="\r\n", max_line_length=0)
PARTNERS = ("mofa.example", "embassy-partner.example", "think-tank.example", "press.example")


@dataclass(frozen=True)
class Message:
    """One exported message and what sensitive content it holds."""

    mailbox: str
    folder: str  # export path, e.g. "Inbox/Travel" or "Boîte de réception/Travel"
    role: str  # what the folder is for (folders.ROLES)
    number: int
    message_id: str
    date: datetime
    subject: str
    ssns: tuple[str, ...]
    itinerary: bool
    marking: str | None
    eml: bytes

    @property
    def size(self) -> int:
        """Bytes of the exported message, also used as the audit ``SizeInBytes``."""
        return len(self.eml)


@dataclass(frozen=True)
class _Draft:
    subject: str
    lines: list[str]
    ssns: tuple[str, ...]
    itinerary: bool
    marking: str | None


def build_mailbox(
    rng: random.Random,
    org: Organisation,
    owner: Person,
    start: datetime,
    end: datetime,
    ssn_pool: list[str],
) -> list[Message]:
    """Messages of one mailbox dated between ``start`` and ``end``, numbered per folder
    in date order; dates fall on weekdays in Washington office hours (12-23 UTC); how many
    depends on the tenant (``profile.mail_volume``)."""
    ids = IdSource(rng)
    server = f"BN0PR09MB{rng.randrange(1000, 9999)}"
    low, high = org.profile.mail_volume
    count = rng.randrange(low, high)
    names = org.folders(owner.upn)
    drafts: list[tuple[str, datetime, _Draft]] = []
    span = int((end - start).total_seconds())
    for _ in range(count):
        role = _weighted(rng, FOLDER_SHARE)
        when = _office_time(rng, start + timedelta(seconds=rng.randrange(span)))
        kind = _weighted(rng, FOLDER_MIX[role])
        drafts.append((role, when, _draft(rng, kind, when, ssn_pool)))
    drafts.sort(key=lambda d: (names[d[0]], d[1]))
    messages: list[Message] = []
    numbers: dict[str, int] = {}
    for role, when, draft in drafts:
        folder = names[role]
        numbers[folder] = numbers.get(folder, 0) + 1
        message_id = ids.message_id(server)
        sender, to = _parties(rng, org, owner, role)
        eml = render_eml(message_id, when, sender, to, draft.subject, draft.lines)
        messages.append(
            Message(
                owner.upn,
                folder,
                role,
                numbers[folder],
                message_id,
                when,
                draft.subject,
                draft.ssns,
                draft.itinerary,
                draft.marking,
                eml,
            )
        )
    return messages


def render_eml(
    message_id: str, when: datetime, sender: str, to: str, subject: str, lines: list[str]
) -> bytes:
    """A single-part text/plain RFC 5322 message with CRLF line ends (no MIME boundary,
    so no randomness; the compat32 policy is an order of magnitude faster than SMTP)."""
    msg = MIMEText("\n".join(lines) + "\n", "plain", "us-ascii")
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when.replace(tzinfo=UTC))
    msg["Message-ID"] = message_id
    return msg.as_bytes(policy=_CRLF)


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _office_time(rng: random.Random, when: datetime) -> datetime:
    """Move a timestamp onto a weekday between 12:00 and 23:00 UTC (08:00-19:00 EDT)."""
    day = when.replace(hour=0, minute=0, second=0)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day + timedelta(seconds=rng.randrange(12 * 3600, 23 * 3600))


def _parties(rng: random.Random, org: Organisation, owner: Person, role: str) -> tuple[str, str]:
    colleague = rng.choice(org.people)
    if role == "sent":
        return f"{owner.display_name} <{owner.upn}>", f"{colleague.display_name} <{colleague.upn}>"
    if rng.random() < 0.3:
        partner = rng.choice(PARTNERS)
        return f"Liaison Office <liaison@{partner}>", f"{owner.display_name} <{owner.upn}>"
    return f"{colleague.display_name} <{colleague.upn}>", f"{owner.display_name} <{owner.upn}>"


def _draft(rng: random.Random, kind: str, when: datetime, pool: list[str]) -> _Draft:
    """Subject and body for one message kind; labels record exactly what was written."""
    topic = rng.choice(TOPICS)
    day = (when + timedelta(days=rng.randrange(3, 30))).strftime("%d %b %Y")
    if kind == "itinerary":
        lines = [
            f"Please find the itinerary for the {topic} trip below.",
            "",
            *sensitive.itinerary_lines(rng, day),
            "",
            "Safe travels.",
        ]
        return _Draft(f"Travel itinerary - {topic}", lines, (), True, None)
    if kind == "cable":
        marking = rng.choice(sensitive.MARKINGS)
        lines = [
            marking,
            "",
            f"SUBJECT: Readout on {topic}",
            "",
            "1. Counterparts signalled flexibility on the timetable but not on substance.",
            "2. Post recommends continued engagement at the working level.",
            "",
            marking,
        ]
        return _Draft(f"({marking}) Readout: {topic}", lines, (), False, marking)
    if kind == "hr_ssn":
        ssns = tuple(sorted({rng.choice(pool) for _ in range(rng.randrange(1, 4))}))
        lines = ["Benefits enrollment and visa paperwork for the upcoming assignment.", ""]
        lines += [f"  Employee/dependent SSN: {s}" for s in ssns]
        if rng.random() < 0.5:
            lines.append(sensitive.near_miss_line(rng))
        return _Draft("Benefits enrollment - action required", lines, ssns, False, None)
    if kind == "hr":
        lines = [
            "Reminder: open season for health benefits closes Friday.",
            sensitive.near_miss_line(rng),
            sensitive.near_miss_line(rng),
        ]
        return _Draft("HR notice: open season", lines, (), False, None)
    if kind == "travel_admin":
        lines = [
            "The travel policy was updated; book through the approved agency only.",
            sensitive.near_miss_line(rng),
        ]
        return _Draft("Travel policy update", lines, (), False, None)
    lines = [f"Notes from today's meeting on {topic}.", "Action items are in the shared folder."]
    if rng.random() < 0.3:
        lines.append(sensitive.near_miss_line(rng))
    return _Draft(f"Re: {topic}", lines, (), False, None)
