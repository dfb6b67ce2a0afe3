"""Entra sign-in ingest benchmark: synthetic Graph ``auditLogs/signIns`` (beta shape) as JSON
lines, read by the Entra Graph JSON reader.

Generates N records (``--records``, default 200,000; interactive, non-interactive and
service-principal sign-ins, ~2.5 KB each, like a real beta export) and prints records/s for
a bare ``orjson.loads`` loop, for the reader alone (parse + route + map every record) and
for the whole ingest pipeline into a fresh case (reader + de-duplicating DuckDB writer),
with the peak RSS of this process.

    .venv/bin/python bench/ingest_signins.py --records 200000
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import orjson

from mailscope.ingest.base import Source
from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.entra.graph_json import GraphJsonReader

TENANT = "2c4f1e7a-9b3d-4e8f-a1c6-5d7e9f0a1b2c"
APPS = (
    ("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"),
    ("d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office"),
    ("27922004-5251-4030-b22d-91ecd9a37ea4", "Outlook Mobile"),
    ("9199bf20-a13f-4107-85dc-02114787ef48", "One Outlook Web"),
)
KINDS = (("interactiveUser", 0.3), ("nonInteractiveUser", 0.6), ("servicePrincipal", 0.1))
AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Edg/114.0"


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_signin(rng: random.Random, index: int, start: datetime) -> dict[str, object]:
    """One Graph beta sign-in object with the fields and nesting of a real export."""
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    user = kind != "servicePrincipal"
    app_id, app_name = rng.choice(APPS)
    upn = f"user{rng.randrange(5000)}@ministry.example" if user else ""
    return {
        "id": _guid(rng),
        "createdDateTime": (start + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "userDisplayName": upn.split("@")[0],
        "userPrincipalName": upn,
        "userId": _guid(rng) if user else "",
        "appId": app_id,
        "appDisplayName": app_name,
        "ipAddress": f"203.0.{rng.randrange(256)}.{rng.randrange(256)}",
        "clientAppUsed": "Browser"
        if kind == "interactiveUser"
        else "Mobile Apps and Desktop clients",
        "userAgent": AGENT,
        "correlationId": _guid(rng),
        "conditionalAccessStatus": "success",
        "originalRequestId": "",
        "isInteractive": kind == "interactiveUser",
        "tokenIssuerType": "AzureAD",
        "processingTimeInMilliseconds": rng.randrange(20, 400),
        "riskDetail": "none",
        "riskLevelAggregated": "none",
        "riskState": "none",
        "riskEventTypes_v2": [],
        "resourceDisplayName": "Microsoft Graph",
        "resourceId": "00000003-0000-0000-c000-000000000000",
        "resourceTenantId": TENANT,
        "homeTenantId": TENANT,
        "authenticationRequirement": "singleFactorAuthentication",
        "signInEventTypes": [kind],
        "servicePrincipalName": "" if user else "Mail Archiver",
        "servicePrincipalId": "" if user else "45d0cf74-062d-46a3-b00e-7841f50f10eb",
        "userType": "member" if user else None,
        "autonomousSystemNumber": rng.choice((3356, 7922, 16509, 0)),
        "uniqueTokenIdentifier": f"{rng.getrandbits(128):032x}"[:22],
        "incomingTokenType": "none",
        "sessionId": _guid(rng) if user else "",
        "status": {"errorCode": rng.choice((0, 0, 0, 0, 50126)), "failureReason": "Other."},
        "deviceDetail": {"deviceId": "", "operatingSystem": "Windows10", "browser": "Edge 114"},
        "location": {
            "city": "Washington",
            "state": "District of Columbia",
            "countryOrRegion": "US",
            "geoCoordinates": {"altitude": None, "latitude": 38.9072, "longitude": -77.0369},
        },
        "appliedConditionalAccessPolicies": [
            {
                "id": _guid(rng),
                "displayName": "Require MFA",
                "enforcedGrantControls": ["Mfa"],
                "enforcedSessionControls": [],
                "result": "notApplied",
            }
        ],
        "authenticationDetails": [
            {
                "authenticationStepDateTime": "2023-06-15T04:12:33Z",
                "authenticationMethod": "Previously satisfied",
                "succeeded": True,
                "authenticationStepResultDetail": "First factor requirement satisfied by claim "
                "in the token",
            }
        ],
        "authenticationProcessingDetails": [{"key": "Root Key Type", "value": "Unknown"}],
        "networkLocationDetails": [],
    }


def write_records(path: Path, count: int) -> None:
    rng = random.Random(558)
    start = datetime(2023, 5, 15)
    with path.open("wb") as out:
        for index in range(count):
            out.write(orjson.dumps(synthetic_signin(rng, index, start)) + b"\n")


def _source(path: Path) -> Source:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        head = stream.read(64 * 1024)
        digest.update(head)
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    size = path.stat().st_size
    return Source(path.name, (path.name,), size, digest.hexdigest(), head, lambda: path.open("rb"))


def _ingest_child(path: str, case: str, results: multiprocessing.Queue[tuple[float, int]]) -> None:
    clock = time.perf_counter()
    run = ingest(Path(case), [Path(path)])
    elapsed = time.perf_counter() - clock
    [result] = run.files
    assert result.format == GraphJsonReader.name and result.quarantined == 0, result
    results.put((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))


def _measure_ingest(path: Path, case: Path) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of ingesting ``path`` in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[float, int]] = context.Queue()
    child = context.Process(target=_ingest_child, args=(str(path), str(case), results))
    child.start()
    elapsed, peak = results.get()
    child.join()
    return elapsed, peak


def _rate(label: str, count: int, seconds: float, size: int) -> None:
    print(f"{label:<34} {count / seconds:>10,.0f} records/s  {size / seconds / 1e6:>6.1f} MB/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "signins.jsonl"
        write_records(path, args.records)
        size = path.stat().st_size
        print(f"{args.records:,} sign-ins, {size / 1e6:.0f} MB ({size / args.records:,.0f} B each)")

        clock = time.perf_counter()
        with path.open("rb") as stream:
            loaded = sum(1 for line in stream if orjson.loads(line))
        _rate("orjson.loads only", loaded, time.perf_counter() - clock, size)

        reader = GraphJsonReader()
        source = _source(path)
        assert reader.sniff(source.head, path.name)
        clock = time.perf_counter()
        read = sum(1 for _ in reader.read(source))
        _rate("reader (parse + route + map)", read, time.perf_counter() - clock, size)

        seconds, peak = _measure_ingest(path, Path(folder) / "case")
        _rate("ingest pipeline (into DuckDB)", args.records, seconds, size)
        print(f"ingest child peak RSS {peak / 2**20:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
