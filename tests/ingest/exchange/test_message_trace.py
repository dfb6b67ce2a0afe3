"""Message trace: the real Reporting Web Service sample and Get-MessageTrace CSV exports."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from mailscope.ingest.pipeline import ingest
from mailscope.ingest.readers.exchange.trace_csv import MessageTraceCsvReader
from mailscope.ingest.readers.exchange.trace_rws import MessageTraceJsonReader
from tests.paths import sample

CSV_HEADER = (
    '"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP",'
    '"Size","MessageId","MessageTraceId"\n'
)


def _rows(case: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(case / "case.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_reporting_web_service_sample_exact_counts(tmp_path: Path) -> None:
    run = ingest(tmp_path / "case", [sample("messagetrace/reporting-webservice-sekoia.jsonl")])
    [result] = run.files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "exchange_message_trace_json",
        2,
        2,
        0,
    )
    rows = _rows(
        tmp_path / "case",
        "SELECT message_id, time, sender, recipient, status, from_ip, size_bytes "
        "FROM message_trace ORDER BY source_line",
    )
    assert rows[0] == (
        "<3a273efc-cd65-4335-96ec-5f6934f0fb10@az.uksouth.production.microsoft.com>",
        datetime(2022, 7, 25, 12, 26, 13, 240000),  # /Date(1658751973240)/
        "azure-noreply@microsoft.com",
        "foo.bar@example.corp",
        "GettingStatus",
        "1.1.1.1",
        87680,
    )
    assert rows[1][4] == "Delivered" and rows[1][5] is None


def test_get_messagetrace_csv(tmp_path: Path) -> None:
    export = tmp_path / "trace.csv"
    export.write_text(
        "\ufeff"
        + CSV_HEADER
        + '"6/1/2023 9:15:02 AM","Eve@Evil.example","jane.doe@x.example","Invoice","Delivered",'
        '"","203.0.113.9:25","5120","<m1@evil.example>","0b5c1e6a-1111-2222-3333-444455556666"\n'
        '"6/1/2023 9:15:02 AM","eve@evil.example","bob@x.example","Invoice","FilteredAsSpam",'
        '"","203.0.113.9","5120","<m1@evil.example>","0b5c1e6a-1111-2222-3333-444455556666"\n',
        encoding="utf-8",
    )
    [result] = ingest(tmp_path / "case", [export]).files
    assert (result.format, result.records, result.parsed, result.quarantined) == (
        "exchange_message_trace_csv",
        2,
        2,
        0,
    )
    rows = _rows(
        tmp_path / "case",
        "SELECT time, sender, recipient, status, from_ip FROM message_trace ORDER BY recipient",
    )
    assert rows == [
        (datetime(2023, 6, 1, 9, 15, 2), "eve@evil.example", "bob@x.example", "FilteredAsSpam",
         "203.0.113.9"),
        (datetime(2023, 6, 1, 9, 15, 2), "eve@evil.example", "jane.doe@x.example", "Delivered",
         "203.0.113.9"),
    ]  # fmt: skip


def test_powershell_type_line_is_skipped_and_lines_stay_true(tmp_path: Path) -> None:
    export = tmp_path / "trace.csv"
    export.write_text(
        "#TYPE Deserialized.Microsoft.Exchange.Management.ReportingTask.MessageTrace\n"
        + CSV_HEADER
        + '"2023-06-01T09:15:02Z","a@x.example","b@x.example","s","Delivered","","","1",'
        '"<m2@x.example>","id-2"\n'
        + '"broken","row","with","too","many","cells","!","!","!","!","!"\n',
        encoding="utf-8",
    )
    [result] = ingest(tmp_path / "case", [export]).files
    assert (result.records, result.parsed, result.quarantined) == (2, 1, 1)
    assert _rows(tmp_path / "case", "SELECT source_line FROM message_trace") == [(3,)]
    assert _rows(tmp_path / "case", "SELECT source_line FROM quarantine") == [(4,)]


def test_sniffers_reject_other_shapes() -> None:
    json_reader, csv_reader = MessageTraceJsonReader(), MessageTraceCsvReader()
    assert not json_reader.sniff(b'{"RecipientAddress": "a@x", "Operation": "Send"}', "x.json")
    assert not csv_reader.sniff(b"RecordId,CreationDate,RecordType,Operation,UserId\n", "t.csv")
    assert csv_reader.sniff(CSV_HEADER.encode(), "anything.txt")
