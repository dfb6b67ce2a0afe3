"""DuckDB expressions as vectorised Spark functions (Arrow UDFs).

Where a rule uses a DuckDB function that Spark lacks or defines differently, the Spark
query calls a function registered here instead. Each one holds the rule's own DuckDB
expression over its operands (``json_type(a0)``, ``regexp_replace(a0, '\\s+', ' ')``) and,
on whichever executor Spark runs it, evaluates it with an in-process DuckDB over the Arrow
batch Spark hands it. So the answer is DuckDB's, value for value, and the work is spread
over the cluster like any other expression.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import orjson
import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PREFIX = "ms_duckdb_"
_ARGUMENTS = "_ms_arguments"


@dataclass(frozen=True, slots=True)
class UdfCall:
    """One DuckDB expression over operands ``a0…a{arity-1}``, returning ``spark_type``."""

    name: str
    template: str
    spark_type: str
    arity: int

    @classmethod
    def of(cls, template: str, spark_type: str, arity: int) -> UdfCall:
        digest = hashlib.sha256(f"{template}\0{spark_type}".encode()).hexdigest()[:16]
        return cls(PREFIX + digest, template, spark_type, arity)


def constant_value(template: str) -> object:
    """The value of a DuckDB expression with no operands (computed once, on the driver)."""
    rows = _connection().execute(f"SELECT {template}").fetchall()
    return rows[0][0] if rows else None


def evaluate(template: str, arrow_type: pa.DataType, *arrays: pa.Array) -> pa.Array:
    """``template`` evaluated by DuckDB over the operand arrays (one batch of rows)."""
    connection = _connection()
    table = pa.table({f"a{i}": array for i, array in enumerate(arrays)})
    connection.register(_ARGUMENTS, table)
    try:
        relation = connection.sql(f"SELECT {template} FROM {_ARGUMENTS}")
        result = relation.to_arrow_table() if relation is not None else None
    finally:
        connection.unregister(_ARGUMENTS)
    if result is None:  # pragma: no cover - a SELECT always has a result
        raise RuntimeError(f"DuckDB returned no result for {template}")
    column = result.column(0).combine_chunks()
    if column.type != arrow_type:
        column = column.cast(arrow_type)
    return column


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    connection: duckdb.DuckDBPyConnection | None = getattr(_local, "connection", None)
    if connection is None:
        connection = duckdb.connect(":memory:", config={"threads": 1})
        _local.connection = connection
    return connection


def register(spark: SparkSession, calls: tuple[UdfCall, ...], done: set[str]) -> None:
    """Register each call's function in ``spark`` once (``done`` holds those registered)."""
    from pyspark.sql.pandas.functions import arrow_udf
    from pyspark.sql.pandas.types import to_arrow_type
    from pyspark.sql.types import _parse_datatype_string

    for call in calls:
        if call.name in done:
            continue
        spark_type = _parse_datatype_string(call.spark_type)
        arrow_type = to_arrow_type(spark_type)
        function = _batch_function(call.template, arrow_type)
        make: Any = arrow_udf  # its overloads are keyed on type hints the batch function lacks
        spark.udf.register(call.name, make(function, spark_type))
        done.add(call.name)


def _batch_function(template: str, arrow_type: pa.DataType) -> Any:
    def run(*arrays: pa.Array) -> pa.Array:
        return evaluate(template, arrow_type, *arrays)

    return run


_SPARK_TYPES = {
    "VARCHAR": "string",
    "JSON": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "UBIGINT": "decimal(20,0)",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp_ntz",
}


def spark_type_of_structure(structure: str) -> str:
    """The Spark type of DuckDB's ``from_json(x, structure)`` result."""
    return _spark_type(orjson.loads(structure))


def _spark_type(shape: object) -> str:
    if isinstance(shape, str):
        try:
            return _SPARK_TYPES[shape.upper()]
        except KeyError:
            raise ValueError(f"no Spark type for the from_json type {shape!r}") from None
    if isinstance(shape, list) and len(shape) == 1:
        return f"array<{_spark_type(shape[0])}>"
    if isinstance(shape, dict) and shape:
        fields = ",".join(f"`{name}`:{_spark_type(kind)}" for name, kind in shape.items())
        return f"struct<{fields}>"
    raise ValueError(f"unsupported from_json structure {shape!r}")
