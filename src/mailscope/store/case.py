"""Open (or create) a case folder and its DuckDB store at the current schema version."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import duckdb
import orjson

from mailscope.errors import CaseBusyError, CaseError
from mailscope.store.schema import ddl

SCHEMA_VERSION = "1"
DEFAULT_MEMORY_LIMIT = "1GB"
MEMORY_ENV = "MAILSCOPE_MEMORY_LIMIT"  # DuckDB's buffer pool, e.g. 4GB on bigger machines
STORE_NAME = "case.duckdb"
# Tables readers may write to; the rest belong to later stages.
EVIDENCE_TABLES = (
    "audit_events",
    "mail_access",
    "signins",
    "graph_activity",
    "directory_audits",
    "directory_users",
    "messages",
    "message_trace",
    "mail_rules",
)
# Ingest holds the store only while it makes a file visible (seconds): wait that long.
BUSY_WAIT_SECONDS = float(os.environ.get("MAILSCOPE_BUSY_WAIT", "30"))


def store_path(case_dir: Path) -> Path:
    """Where the DuckDB file of a case lives."""
    return case_dir / STORE_NAME


def open_case(
    case_dir: Path, *, create: bool = False, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Connect to the case store; create the folder and schema when ``create`` is set."""
    path = store_path(case_dir)
    if not path.exists():
        if not create:
            raise CaseError(
                "no case store here",
                location=str(case_dir),
                hint="run 'mailscope ingest --case DIR EVIDENCE…' first",
            )
        case_dir.mkdir(parents=True, exist_ok=True)
    connection = _connect(case_dir, path, read_only=read_only)
    bound_memory(connection)
    if not read_only:
        _migrate(connection, path)
    return connection


def _connect(case_dir: Path, path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """DuckDB's connection, waiting out another process's brief hold on the file; a busy,
    read-only or full case becomes one sentence saying what to do."""
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as error:
            if not is_lock_conflict(error):
                raise store_error(error, case_dir) from error
            if time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            raise busy_error(case_dir) from error


def is_lock_conflict(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower() and "conflicting" in str(error).lower()


def busy_error(case_dir: Path) -> CaseBusyError:
    from mailscope.store.lock import current_writer  # lock imports errors only

    holder = current_writer(case_dir)
    if holder is not None:
        return CaseBusyError(holder.busy_message(case_dir))
    return CaseBusyError(
        f"case {case_dir} is open in another process; wait for it or use another case"
    )


def store_error(error: BaseException, case_dir: Path) -> CaseError:
    """A database or file error while writing the case, as one sentence with what to do."""
    return disk_error(error, case_dir) or CaseError(
        f"cannot open the case store: {error}", location=str(case_dir)
    )


def disk_error(error: BaseException, case_dir: Path) -> CaseError | None:
    """A full disk or an unwritable case folder as one sentence; None for other errors."""
    text = str(error)
    number = error.errno if isinstance(error, OSError) else None
    if number in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or any(
        word in text for word in ("No space left", "File too large", "Disk quota")
    ):
        return CaseError(
            f"the disk holding case {case_dir} is full; what this command had not finished "
            "was not kept",
            hint="free space or use a case folder on another disk, then re-run the command",
        )
    if number in (errno.EACCES, errno.EROFS, errno.EPERM) or any(
        word in text for word in ("Permission denied", "Read-only file system")
    ):
        return CaseError(
            f"case {case_dir} cannot be written (permission denied or read-only file system)",
            hint="make it writable, or copy the case to a writable folder",
        )
    return None


def bound_memory(connection: duckdb.DuckDBPyConnection) -> None:
    """Keep DuckDB's buffer pool small (it defaults to 80 % of RAM): memory stays bounded
    however large the evidence, and DuckDB spills to disk beyond it.
    ``MAILSCOPE_MEMORY_LIMIT`` (e.g. ``4GB``) overrides the default on bigger machines."""
    limit = os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_LIMIT)
    try:
        connection.execute(f"SET memory_limit = '{limit}'")
    except duckdb.Error as error:
        raise CaseError(
            f"invalid MAILSCOPE_MEMORY_LIMIT {limit!r}: {error}", hint="use a size such as 2GB"
        ) from error


def _migrate(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and row[0] != SCHEMA_VERSION:
        raise CaseError(
            f"case store has schema version {row[0]}, this mailscope reads {SCHEMA_VERSION}",
            location=str(path),
            hint="re-ingest the evidence into a new case folder",
        )
    apply_schema(connection)
    if row is None:
        connection.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])


def apply_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create every table the contracts define (``model/tables.py``) that does not exist
    yet, and add the columns an older store lacks."""
    connection.execute(ddl())


def reset_tables(connection: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    """Drop derived tables and re-create them empty at the current schema (a stage that
    rebuilds its tables on every run, so older cases get new columns too)."""
    for table in tables:
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    apply_schema(connection)


def table_columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each column of ``table``, in order."""
    rows = connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [(str(name), str(kind)) for name, kind in rows]


def column_or(
    connection: duckdb.DuckDBPyConnection, table: str, column: str, default_sql: str
) -> str:
    """``column`` when ``table`` has it, else ``default_sql AS column``: a store written by
    an older mailscope and opened read-only (so not migrated) still answers the query."""
    if column in {name for name, _ in table_columns(connection, table)}:
        return column
    return f"{default_sql} AS {column}"


def decode_counts(text: object) -> dict[str, int]:
    """A JSON-object column of counts (``{"reason": 5}``) as a dict sorted by key; {} when
    NULL or malformed."""
    try:
        value = orjson.loads(text) if isinstance(text, str) and text else {}
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in sorted(value.items()) if isinstance(v, int)}
