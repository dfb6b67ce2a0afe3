"""Collector outputs mailscope recognises but does not analyse: named, counted, skipped.

Responders run Microsoft-Extractor-Suite, Hawk or the Untitled Goose Tool and hand over the
whole output folder. Next to the logs mailscope reads, those folders hold configuration,
inventory and summary snapshots (MFA status, devices, licences, Conditional Access policies,
role and permission snapshots …). Each is recognised here by its columns or keys
(``known_exports.json``) and every record is skipped with what the file is, so the manifest
says "skipped: 40 × per-user MFA methods" instead of "unrecognised". These readers come
last: a file any other reader claims is read by it.
"""

from __future__ import annotations

from mailscope.ingest.base import Reader
from mailscope.ingest.readers.unanalysed.known import known_exports

READERS: tuple[Reader, ...] = known_exports()
