"""``findings.jsonl`` (one finding per line, most severe first) and a copy of ``scope.json``."""

from __future__ import annotations

from pathlib import Path

import orjson

from mailscope.report.report_data import FindingRecord, ReportData, iso
from mailscope.report.scope_doc import SCOPE_NAME

FINDINGS_NAME = "findings.jsonl"


def finding_document(finding: FindingRecord) -> dict[str, object]:
    """A finding as a JSON object; ``details`` parsed back into an object when it is JSON."""
    try:
        details: object = orjson.loads(finding.details)
    except orjson.JSONDecodeError:
        details = finding.details
    return {
        "finding_id": finding.finding_id,
        "rule_id": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "attack_ids": list(finding.attack_ids),
        "mailboxes": list(finding.mailboxes),
        "users": list(finding.users),
        "apps": list(finding.apps),
        "ips": list(finding.ips),
        "sessions": list(finding.sessions),
        "tokens": list(finding.tokens),
        "first_seen": iso(finding.first_seen) or None,
        "last_seen": iso(finding.last_seen) or None,
        "evidence_keys": list(finding.evidence_keys),
        "explanation": finding.explanation,
        "details": details,
    }


def write_json(data: ReportData, out: Path) -> list[Path]:
    """Write findings.jsonl, and scope.json byte-for-byte as the scope stage wrote it."""
    findings = out / FINDINGS_NAME
    with findings.open("wb") as handle:
        for finding in data.findings:
            handle.write(orjson.dumps(finding_document(finding), option=orjson.OPT_SORT_KEYS))
            handle.write(b"\n")
    written = [findings]
    if data.scope.present:
        scope = out / SCOPE_NAME
        scope.write_bytes(data.scope.raw)
        written.append(scope)
    return written
