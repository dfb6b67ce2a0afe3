"""Ingest throughput benchmark: synthetic UAL records as JSON lines and as Purview CSV.

Generates N records (``--records``, default 1,000,000; ~30% MailItemsAccessed with
FolderItems), ingests each file into a fresh case with the real pipeline in a child process,
and prints records/s, MB/s and the child's peak RSS, next to a bare ``orjson.loads`` loop
over the same file. Targets on a 2-core machine: JSON lines >= 100 K records/s, Purview CSV
>= 50 K records/s, peak RSS <= 1.5 GiB.

    .venv/bin/python bench/ingest.py --records 1000000 [--path record|bulk|both]
"""

from __future__ import annotations

import argparse
import csv
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

from mailscope.simulate.writers import PURVIEW_HEADER

GIB = 1024**3
APPS = (
    "00000002-0000-0ff1-ce00-000000000000",
    "d3590ed6-52b3-4102-aeff-aad2292ab01c",
    "27922004-5251-4030-b22d-91ecd9a37ea4",
    "9199bf20-a13f-4107-85dc-02114787ef48",
)
FOLDERS = ("\\Inbox", "\\Inbox\\Travel", "\\Sent Items", "\\Archive", "\\Drafts")


def synthetic_record(rng: random.Random, index: int, start: datetime) -> dict[str, object]:
    """One realistic AuditData object (MailItemsAccessed, sign-in, inbox rule or file access)."""
    when = (start + timedelta(seconds=index * 2)).strftime("%Y-%m-%dT%H:%M:%S")
    user = f"user{rng.randrange(5000)}@ministry.example"
    ip = f"203.0.{rng.randrange(256)}.{rng.randrange(256)}"
    record: dict[str, object] = {
        "CreationTime": when,
        "Id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "OrganizationId": "2c4f1e7a-9b3d-4e8f-a1c6-5d7e9f0a1b2c",
        "ResultStatus": "Succeeded",
        "UserKey": f"1003200{index:09X}",
        "UserType": 0,
        "Version": 1,
        "UserId": user,
    }
    kind = rng.random()
    if kind < 0.30:
        items = [
            {
                "InternetMessageId": f"<{rng.getrandbits(64):016X}@PR3P195MB0791.prod.outlook.com>",
                "SizeInBytes": rng.randrange(2_000, 200_000),
            }
            for _ in range(rng.randrange(1, 6))
        ]
        record.update(
            Operation="MailItemsAccessed",
            RecordType=50,
            Workload="Exchange",
            AppId=rng.choice(APPS),
            ClientAppId=rng.choice(APPS),
            ClientIPAddress=f"{ip}:{rng.randrange(1024, 65535)}",
            ClientInfoString="Client=REST;Client=RESTSystem;;",
            ExternalAccess=False,
            InternalLogonType=0,
            LogonType=0,
            MailboxGuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            MailboxOwnerUPN=user,
            OperationProperties=[
                {"Name": "MailAccessType", "Value": "Bind"},
                {"Name": "IsThrottled", "Value": "False"},
            ],
            AppAccessContext={
                "AADSessionId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "IssuedAtTime": when,
                "UniqueTokenId": f"{rng.getrandbits(128):032x}"[:22],
            },
            SessionId=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            Folders=[
                {"FolderItems": items, "Id": "LgAAAAB7mQ4c2l1JTrq5", "Path": rng.choice(FOLDERS)}
            ],
            OperationCount=len(items),
        )
    elif kind < 0.65:
        record.update(
            Operation="UserLoggedIn",
            RecordType=15,
            Workload="AzureActiveDirectory",
            ClientIP=ip,
            ActorIpAddress=ip,
            ApplicationId=rng.choice(APPS),
            ExtendedProperties=[
                {"Name": "ResultStatusDetail", "Value": "Success"},
                {"Name": "UserAgent", "Value": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},
                {"Name": "RequestType", "Value": "OAuth2:Token"},
            ],
            DeviceProperties=[{"Name": "SessionId", "Value": str(uuid.uuid4())}],
        )
    elif kind < 0.75:
        record.update(
            Operation="New-InboxRule",
            RecordType=1,
            Workload="Exchange",
            ClientIP=f"{ip}:{rng.randrange(1024, 65535)}",
            Parameters=[
                {"Name": "Name", "Value": "."},
                {"Name": "MoveToFolder", "Value": "RSS Feeds"},
                {"Name": "MarkAsRead", "Value": "True"},
            ],
        )
    else:
        record.update(
            Operation="FileAccessed",
            RecordType=6,
            Workload="SharePoint",
            ClientIP=ip,
            UserAgent="Microsoft Office Word 2014",
            ObjectId=f"https://ministry.sharepoint.com/sites/team/doc{index}.docx",
        )
    return record


def write_files(count: int, folder: Path) -> tuple[Path, Path]:
    """The same synthetic records as JSON lines and as a Purview "Audit search" CSV."""
    rng = random.Random(20230612)
    start = datetime(2023, 5, 15)
    lines_path, csv_path = folder / "ual.jsonl", folder / "ual-purview.csv"
    with lines_path.open("wb") as lines, csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(PURVIEW_HEADER)
        for index in range(count):
            record = synthetic_record(rng, index, start)
            text = orjson.dumps(record)
            lines.write(text + b"\n")
            when = datetime.fromisoformat(str(record["CreationTime"]))
            us_date = (
                f"{when.month}/{when.day}/{when.year} {when.strftime('%I:%M:%S %p').lstrip('0')}"
            )
            writer.writerow(
                [
                    record["Id"],
                    us_date,
                    record["RecordType"],
                    record["Operation"],
                    record["UserId"],
                    text.decode(),
                    "",
                    "",
                ]
            )
    return lines_path, csv_path


def _ingest_child(
    path: str, case: str, bulk: bool, results: multiprocessing.Queue[tuple[float, int]]
) -> None:
    from mailscope.ingest.pipeline import ingest

    clock = time.perf_counter()
    run = ingest(Path(case), [Path(path)], bulk=bulk)
    elapsed = time.perf_counter() - clock
    assert run.quarantined == 0, "synthetic records must not be quarantined"
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results.put((elapsed, peak_kib * 1024))


def measure_ingest(path: Path, case: Path, bulk: bool) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of ingesting ``path`` in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[float, int]] = context.Queue()
    child = context.Process(target=_ingest_child, args=(str(path), str(case), bulk, results))
    child.start()
    elapsed, peak = results.get()
    child.join()
    return elapsed, peak


def bare_loads(path: Path, is_csv: bool) -> float:
    """Seconds for the floor: orjson.loads of every record (from the CSV's AuditData cells)."""
    clock = time.perf_counter()
    if is_csv:
        with path.open(newline="", encoding="utf-8") as stream:
            reader = csv.reader(stream)
            column = next(reader).index("AuditData")
            for row in reader:
                orjson.loads(row[column])
    else:
        with path.open("rb") as stream:
            for line in stream:
                orjson.loads(line)
    return time.perf_counter() - clock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write files and cases here (kept)")
    parser.add_argument(
        "--path",
        choices=("record", "bulk", "both"),
        default="both",
        help="record by record, through the bulk SQL path (default for large files), or both",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        clock = time.perf_counter()
        files = write_files(args.records, folder)
        print(f"generated {args.records:,} records in {time.perf_counter() - clock:.1f} s")
        targets = {"ual.jsonl": 100_000, "ual-purview.csv": 50_000}
        ok = True
        modes = {"record": (False,), "bulk": (True,), "both": (False, True)}[args.path]
        for path in files:
            size = path.stat().st_size
            floor = bare_loads(path, path.suffix == ".csv")
            for bulk in modes:
                label = "bulk" if bulk else "record"
                case = folder / f"case-{path.stem}-{label}"
                elapsed, peak = measure_ingest(path, case, bulk)
                rate = args.records / elapsed
                met = rate >= targets[path.name] and peak <= 1.5 * GIB
                ok = ok and met
                print(
                    f"{path.name:16} {label:6} {size / 1e6:8.1f} MB  ingest {elapsed:7.1f} s "
                    f"{rate:>10,.0f} rec/s {size / 1e6 / elapsed:7.1f} MB/s  peak RSS "
                    f"{peak / 2**20:7.0f} MiB  | bare orjson {args.records / floor:>10,.0f} rec/s "
                    f"{size / 1e6 / floor:7.1f} MB/s  target {targets[path.name]:,} rec/s: "
                    f"{'met' if met else 'NOT met'}"
                )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
