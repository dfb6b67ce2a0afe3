"""How a table contract declares a column: its SQL type, what it holds, its default, and
whether older stores gain it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated


@dataclass(frozen=True)
class Sql:
    """The DuckDB type of a column (with its storage clause)."""

    type: str


@dataclass(frozen=True)
class Doc:
    """What a column holds, where its name does not say it all."""

    text: str


@dataclass(frozen=True)
class Default:
    """The column's SQL default."""

    sql: str


@dataclass(frozen=True)
class Added:
    """A column added after the store's first version: older stores get it (at the end)."""


Key = Annotated[str, Sql("VARCHAR PRIMARY KEY")]
Text = Annotated[str | None, Sql("VARCHAR")]
Raw = Annotated[str | None, Sql("VARCHAR USING COMPRESSION zstd")]
Time = Annotated[datetime | None, Sql("TIMESTAMP")]
Int = Annotated[int | None, Sql("INTEGER")]
Count = Annotated[int | None, Sql("BIGINT")]
Flag = Annotated[bool | None, Sql("BOOLEAN")]
Real = Annotated[float | None, Sql("DOUBLE")]
Texts = Annotated[list[str] | None, Sql("VARCHAR[]")]
