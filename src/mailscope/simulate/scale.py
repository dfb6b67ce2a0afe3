"""Scale mode: stream N unified-audit-log records (benign reads with a storm-0558 thread)
to one Purview CSV or Management API JSON-lines file in constant memory.

Speed comes from serialising each person's record once, with placeholders, and splitting
it into byte pieces: a record is then the pieces joined with its time, Id, token issue
time and folder bytes. Nothing per record is kept, so memory does not grow with N.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import orjson

from mailscope.simulate import records
from mailscope.simulate.config import PERIOD_START
from mailscope.simulate.config import SCALE_FORMATS as FORMATS
from mailscope.simulate.evidence import Token
from mailscope.simulate.folders import audit_path
from mailscope.simulate.ids import IdSource, iso, us_date
from mailscope.simulate.org import Person, build_organisation
from mailscope.simulate.writers import PURVIEW_HEADER

FOLDERS = ("Inbox", "Inbox/Travel", "Inbox/Cables", "Sent Items", "Archive")
ACTOR_EVERY = 997  # about one actor record per thousand while the actor is at work
ACTOR_IP = "185.195.200.39"  # SoftEther proxy published by MSTI (2023-07-14)
BATCH = 20_000
_SLOTS = (b"__IAT__", b"__CT__", b"__ID__", b"__FOLDERS__")

# (first piece, [(slot, next piece), ...], UserId): a record is the pieces and slot values.
Template = tuple[bytes, list[tuple[bytes, bytes]], bytes]


@dataclass(frozen=True)
class ScaleSummary:
    """Records written, of which actor records, and the file."""

    path: Path
    records: int
    actor_records: int


def _split(payload: bytes, user: bytes, csv: bool) -> Template:
    """Cut serialised JSON at the placeholder strings (quotes of the FOLDERS slot too, as
    its value is a JSON array, not a string)."""
    payload = payload.replace(b'"__FOLDERS__"', b"__FOLDERS__")
    if csv:
        payload = payload.replace(b'"', b'""')
    positions = sorted((payload.index(slot), slot) for slot in _SLOTS if slot in payload)
    head, rest, cursor = payload[: positions[0][0]], [], positions[0][0]
    for number, (at, slot) in enumerate(positions):
        end = positions[number + 1][0] if number + 1 < len(positions) else len(payload)
        rest.append((slot, payload[at + len(slot) : end]))
        cursor = end
    del cursor
    return head, rest, user


def _template(
    ids: IdSource,
    person: Person,
    *,
    token: Token | None,
    ip: str,
    info: str,
    app_id: str,
    csv: bool,
) -> Template:
    data = records.mail_items_accessed(
        ids,
        PERIOD_START,
        user=person.upn,
        owner=person,
        access="Bind",
        folders=[("Inbox", [("<x@y>", 1)])],
        ip=ip,
        client_info=info,
        app_id=app_id,
        logon_type=0,
        token=token,
    )
    data["CreationTime"], data["Id"], data["Folders"] = "__CT__", "__ID__", "__FOLDERS__"
    if "AppAccessContext" in data:
        data["AppAccessContext"]["IssuedAtTime"] = "__IAT__"
    return _split(orjson.dumps(data), person.upn.encode(), csv)


def _templates(
    users: int, seed: int, csv: bool
) -> tuple[list[Template], list[Template], list[Template]]:
    """Per person: a record with token ids, one without (aggregated), one as the actor."""
    org = build_organisation(random.Random(f"mailscope-scale/{seed}/org"), users)
    records.set_organization_id(org.tenant_id)
    ids = IdSource(random.Random(f"mailscope-scale/{seed}/templates"))
    actor = Token(ids.guid(), ids.token_id(), PERIOD_START, records.OWA)
    with_ids, without, forged = [], [], []
    for p in org.people:
        own = Token(ids.guid(), ids.token_id(), PERIOD_START, records.OUTLOOK_DESKTOP)
        info = "Client=Microsoft Outlook 16.0.16327.20248;"
        with_ids.append(
            _template(
                ids,
                p,
                token=own,
                ip=p.office_ip,
                info=info,
                app_id=records.OUTLOOK_DESKTOP,
                csv=csv,
            )
        )
        without.append(
            _template(
                ids,
                p,
                token=None,
                ip=p.office_ip,
                info=info,
                app_id=records.OUTLOOK_DESKTOP,
                csv=csv,
            )
        )
        forged.append(
            _template(
                ids,
                p,
                token=actor,
                ip=ACTOR_IP,
                info="Client=REST;Client=RESTSystem;;",
                app_id=records.OWA,
                csv=csv,
            )
        )
    return with_ids, without, forged


def _folder_bytes(upn: str, csv: bool) -> list[tuple[bytes, bytes, bytes]]:
    """(prefix, middle, suffix) around a message id and size for each folder."""
    out: list[tuple[bytes, bytes, bytes]] = []
    for folder in FOLDERS:
        entry = orjson.dumps(
            [
                {
                    "FolderItems": [{"InternetMessageId": "__M__", "SizeInBytes": 0}],
                    "Id": records.folder_id(upn, folder),
                    "Path": audit_path(folder),
                }
            ]
        )
        head, tail = entry.split(b'"__M__","SizeInBytes":0')
        middle = b'@BN0PR09MB4410.namprd09.prod.outlook.com>","SizeInBytes":'
        head += b'"<'
        if csv:  # Purview cells double every quote; do it once here, not per record
            head, middle, tail = (p.replace(b'"', b'""') for p in (head, middle, tail))
        out.append((head, middle, tail))
    return out


def stream_records(
    out: Path,
    count: int,
    fmt: str,
    seed: int,
    *,
    days: int = 21,
    users: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> ScaleSummary:
    """Write ``count`` MailItemsAccessed records in ``fmt`` under ``out``."""
    path = out / FORMATS[fmt]
    path.parent.mkdir(parents=True, exist_ok=True)
    csv = fmt == "purview-csv"
    with_ids, without, forged = _templates(users, seed, csv)
    folders = [_folder_bytes(f"user{n}", csv) for n in range(8)]
    rng = random.Random(f"mailscope-scale/{seed}/stream")
    bits, people = rng.getrandbits, len(with_ids)
    span = days * 86400
    last_minute, iso_minute, us_minute, us_half, issued = -1, b"", b"", b"", b""
    actor_records, batch = 0, []
    with path.open("wb") as handle:
        if csv:
            handle.write(",".join(PURVIEW_HEADER).encode() + b"\r\n")
        for index in range(count):
            second = index * span // count
            if second // 60 != last_minute:
                # Format once a minute; tokens were issued at the top of the hour.
                last_minute = second // 60
                when = PERIOD_START + timedelta(seconds=second - second % 60)
                iso_minute, us_text = iso(when)[:-2].encode(), us_date(when).encode()
                us_minute, us_half = us_text[:-5], us_text[-3:]
                issued = iso(when - timedelta(seconds=second % 3600)).encode()
            seconds = b"%02d" % (second % 60)
            created, us = iso_minute + seconds, us_minute + seconds + us_half
            h = f"{bits(128):032x}".encode()
            record_id = b"%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:])
            who = bits(30) % people
            hour, weekday = (second // 3600) % 24, (second // 86400) % 7
            if hour < 9 and weekday < 5 and index % ACTOR_EVERY == 0:
                actor_records += 1
                template = forged[who]
            else:
                template = without[who] if bits(4) < 2 else with_ids[who]
            pre, middle, tail = folders[who & 7][bits(3) % len(FOLDERS)]
            message = b"%020X" % bits(80)
            folder = b"%s%s%s%d%s" % (pre, message, middle, 4000 + index % 60000, tail)
            values = {
                b"__IAT__": issued,
                b"__CT__": created,
                b"__ID__": record_id,
                b"__FOLDERS__": folder,
            }
            head, rest, user = template
            parts = [head]
            for slot, piece in rest:
                parts.append(values[slot])
                parts.append(piece)
            payload = b"".join(parts)
            if csv:
                # Pieces were quote-doubled once up front; the values hold no quotes.
                batch.append(
                    b'%s,%s,50,MailItemsAccessed,%s,"%s",,\r\n' % (record_id, us, user, payload)
                )
            else:
                batch.append(payload + b"\n")
            if len(batch) >= BATCH:
                handle.write(b"".join(batch))
                batch.clear()
                if progress is not None:
                    progress(index + 1)
        handle.write(b"".join(batch))
    if progress is not None:
        progress(count)
    return ScaleSummary(path, count, actor_records)
