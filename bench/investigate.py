"""The main job at scale: ingest, detect, scope and report on a simulated tenant with
~1 M audit records and ~50 K messages; wall time per stage and peak RSS.

Evidence: a simulated storm-0558 tenant (directory, sign-ins, audit log, .eml mailboxes),
a scale-mode stream of audit records topping the log up to ``--records``, and extra
mailbox content as .mbox files (dated before the intrusion, in the victims' and other
owners' mailboxes) topping the content up to ``--messages``, so that Sync and throttled
exposure and the sensitive scan run over tens of thousands of messages.
Target (issue 14): ≤ 40 s in total on 2 cores.

    .venv/bin/python bench/investigate.py --records 1000000 --messages 50000
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import orjson

from mailscope.simulate import sensitive
from mailscope.simulate.config import PERIOD_START

MIB = 1024 * 1024


def _sh(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", "from mailscope.cli.main import run; run()", *args],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _body(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    kind = rng.randrange(6)
    day = (when + timedelta(days=rng.randrange(3, 30))).strftime("%d %b %Y")
    if kind == 0:
        return "Travel itinerary", sensitive.itinerary_lines(rng, day)
    if kind == 1:
        marking = rng.choice(sensitive.MARKINGS)
        return f"({marking}) Readout", [marking, "", "1. Counterparts signalled flexibility."]
    if kind == 2:
        return "Benefits enrollment", [
            f"  Employee SSN: {sensitive.valid_ssn(rng)}",
            sensitive.near_miss_line(rng),
        ]
    if kind == 3:
        return "HR notice", [sensitive.near_miss_line(rng), sensitive.near_miss_line(rng)]
    return "Re: notes", ["Notes from today's meeting.", "Action items are in the shared folder."]


def write_extra_mail(tenant: Path, total: int, seed: int) -> int:
    """Append ``total`` minus the tenant's own messages as one Archive.mbox per mailbox."""
    rng = random.Random(seed)
    owners = sorted(p.name for p in (tenant / "mailboxes").iterdir() if p.is_dir())
    existing = sum(1 for _ in (tenant / "mailboxes").rglob("*.eml"))
    truth = json.loads((tenant / "truth.json").read_text())
    victims = [m["upn"] for m in truth["compromised_mailboxes"]]
    need = max(0, total - existing)
    weights = [6 if upn in victims else 1 for upn in owners]
    counts = dict.fromkeys(owners, 0)
    for upn in rng.choices(owners, weights=weights, k=need):
        counts[upn] += 1
    for upn, n in counts.items():
        if not n:
            continue
        with (tenant / "mailboxes" / upn / "Archive.mbox").open("w", encoding="utf-8") as out:
            for i in range(n):
                when = PERIOD_START - timedelta(
                    days=rng.randrange(30, 400), seconds=rng.randrange(86400)
                )
                subject, lines = _body(rng, when)
                out.write(f"From bench@ministry.example {when:%a %b %d %H:%M:%S %Y}\n")
                out.write(
                    f"Message-ID: <bench{i}.{rng.getrandbits(48):012x}@{upn.split('@')[0]}.bench>\n"
                )
                out.write(f"Date: {format_datetime(when)}\nFrom: colleague@ministry.example\n")
                out.write(f"To: {upn}\nSubject: {subject}\n\n" + "\n".join(lines) + "\n\n")
    return existing + need


def write_scale_signins(stream: Path, out: Path) -> int:
    """Back the scale stream's tokens with non-interactive sign-ins (Graph JSON lines).

    Scale mode writes audit records only; without sign-ins every one of its token ids
    would (rightly) look forged and the benchmark would scope hundreds of mailboxes.
    One sign-in per distinct token, at its earliest IssuedAtTime; returns how many.
    """
    first: dict[str, tuple[str, dict[str, object]]] = {}
    with stream.open("rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            context = record.get("AppAccessContext") or {}
            token = context.get("UniqueTokenId")
            issued = str(context.get("IssuedAtTime") or record.get("CreationTime"))
            if token and (token not in first or issued < first[token][0]):
                first[token] = (issued, record)
    with out.open("wb") as sink:
        for token, (issued, record) in sorted(first.items()):
            context = record["AppAccessContext"]
            sink.write(
                orjson.dumps(
                    {
                        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, token)),
                        "createdDateTime": issued + "Z",
                        "userPrincipalName": record.get("UserId"),
                        "userId": record.get("UserKey"),
                        "appId": record.get("AppId"),
                        "appDisplayName": "Microsoft Office",
                        "ipAddress": record.get("ClientIPAddress"),
                        "sessionId": context.get("AADSessionId"),
                        "uniqueTokenIdentifier": token,
                        "resourceId": "00000002-0000-0ff1-ce00-000000000000",
                        "status": {"errorCode": 0},
                        "isInteractive": False,
                        "signInEventTypes": ["nonInteractiveUser"],
                        "clientAppUsed": "Mobile Apps and Desktop clients",
                    }
                )
                + b"\n"
            )
    return len(first)


def _timed(name: str, work: Callable[[], object], table: list[tuple[str, float, float]]) -> None:
    started = time.perf_counter()
    work()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table.append((name, time.perf_counter() - started, peak))
    print(f"{name:<8} {table[-1][1]:8.1f} s   peak RSS so far {peak:7.0f} MiB", flush=True)


def main() -> None:
    """Build the evidence (untimed), then time each stage of the main job in-process."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mailscope-bench-"))
    tenant, scale, case = work / "tenant", work / "scale", work / "case"
    print(f"building evidence in {work} …", flush=True)
    _sh(
        "simulate",
        "--out",
        str(tenant),
        "--seed",
        str(args.seed),
        "--users",
        str(args.users),
        "--days",
        "21",
        "--scenario",
        "storm-0558",
    )
    audit = json.loads((tenant / "simulation.json").read_text()).get("audit_records", 0)
    _sh(
        "simulate",
        "--out",
        str(scale),
        "--seed",
        str(args.seed),
        "--records",
        str(max(0, args.records - int(audit))),
        "--format",
        "mgmt-jsonl",
    )
    messages = write_extra_mail(tenant, args.messages, args.seed)
    backed = write_scale_signins(
        scale / "ual" / "management-api.jsonl", scale / "scale-signins.jsonl"
    )
    print(f"scale stream tokens backed by {backed:,} sign-ins", flush=True)
    print(f"evidence: ~{args.records:,} audit records, {messages:,} messages", flush=True)

    from mailscope.detect.engine import detect_case
    from mailscope.ingest.pipeline import ingest
    from mailscope.report.render import report_case
    from mailscope.scope.run import scope_case

    table: list[tuple[str, float, float]] = []
    evidence = [tenant / name for name in ("ual", "entra", "users.csv", "mailboxes")]
    _timed("ingest", lambda: ingest(case, [*evidence, scale]), table)
    _timed("detect", lambda: detect_case(case), table)
    _timed("scope", lambda: scope_case(case), table)
    _timed("report", lambda: report_case(case), table)
    total = sum(seconds for _, seconds, _ in table)
    print(f"total    {total:8.1f} s   peak RSS {table[-1][2]:7.0f} MiB (target ≤ 40 s on 2 cores)")
    document = json.loads((case / "scope.json").read_text())
    print("scope:", json.dumps(document["totals"], sort_keys=True))


if __name__ == "__main__":
    main()
