"""Rule SQL transpiled to Spark: parameters bound in the tree, DuckDB-only functions
handed to DuckDB, ordered aggregates kept ordered (no Spark needed)."""

from __future__ import annotations

import re
from datetime import datetime

import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from mailscope.detect.registry import builtin_detections
from mailscope.spark.dialect import to_spark
from mailscope.spark.duckdb_udfs import PREFIX, evaluate, spark_type_of_structure

# DuckDB functions Spark lacks or defines differently: none may reach Spark's own SQL.
_NAMES = (
    "json_valid json_type json_extract json_extract_string time_bucket date_bin list_slice "
    "list_distinct epoch regexp_replace array_to_string from_json to_json"
)
DUCKDB_ONLY = r"\b(" + "|".join(_NAMES.split()) + r")\s*\("


@pytest.mark.parametrize("detection", builtin_detections(), ids=lambda d: d.id)
def test_every_builtin_rule_transpiles_without_duckdb_only_functions(detection) -> None:
    query = to_spark(detection.sql)
    for view, text in (*query.steps, ("main", query.text)):
        found = re.findall(DUCKDB_ONLY, text, flags=re.IGNORECASE)
        assert not found, f"{view}: {found} left for Spark to evaluate"
    for call in query.udfs:
        assert call.name.startswith(PREFIX) and call.arity >= 1


def test_parameters_are_bound_as_literals_not_text() -> None:
    hostile = "x') OR 1=1 --"
    text = to_spark("SELECT * FROM t WHERE a = ? AND b > ?", [hostile, datetime(2024, 5, 1, 2, 3)])
    tree = sqlglot.parse_one(text.text, read="spark")
    strings = [lit.name for lit in tree.find_all(exp.Literal) if lit.is_string]
    assert hostile in strings  # one literal holding the whole value
    assert not list(tree.find_all(exp.Or))  # and nothing of it became SQL
    assert "CAST('2024-05-01 02:03:00' AS TIMESTAMP)" in text.text


@pytest.mark.parametrize("values", [[], ["a", "b"]])
def test_parameter_count_must_match(values: list[str]) -> None:
    with pytest.raises(ValueError, match="parameters"):
        to_spark("SELECT ? AS x", values)


def test_ordered_list_keeps_its_order_and_string_agg_its_nulls() -> None:
    text = to_spark(
        "SELECT list(DISTINCT a ORDER BY a DESC) AS l, string_agg(b, '; ') AS s FROM t"
    ).text.lower()
    assert "array_sort" in text and "array_distinct" in text  # not a bare collect_list
    assert "case when size(filter(" in text  # NULL, not '', when nothing was aggregated


def test_division_is_floating_point_as_in_duckdb() -> None:
    assert "CAST(a AS DOUBLE) / 60.0" in to_spark("SELECT a / 60.0 FROM t").text


def test_nested_unnest_is_lifted_into_one_generator() -> None:
    text = to_spark("SELECT trim(unnest(split(s, ','))) AS part FROM t").text.lower()
    assert text.startswith("select explode(transform(split(")


def test_functions_spark_lacks_are_evaluated_by_duckdb_with_duckdb_answers() -> None:
    query = to_spark("SELECT json_type(json_extract(raw, '$.AuditData')) AS kind FROM t")
    outer, inner = sorted(query.udfs, key=lambda call: "json_type" not in call.template.lower())
    assert query.text.count(PREFIX.upper()) == 2  # json_type(json_extract(raw)): two calls
    raws = pa.array(['{"AuditData": {"a": 1}}', '{"AuditData": "text"}', None])
    extracted = evaluate(inner.template, pa.string(), raws)
    assert extracted.to_pylist() == ['{"a":1}', '"text"', None]
    kinds = evaluate(outer.template, pa.string(), extracted)
    assert kinds.to_pylist() == ["OBJECT", "VARCHAR", None]


def test_regexp_replace_replaces_the_first_match_as_duckdb_does() -> None:
    query = to_spark("SELECT regexp_replace(s, 'a', 'b') FROM t")
    (call,) = query.udfs
    assert evaluate(call.template, pa.string(), pa.array(["aaa"])).to_pylist() == ["baa"]


def test_from_json_structures_become_spark_types() -> None:
    structure = '[{"name":"VARCHAR","old":"VARCHAR","count":"BIGINT"}]'
    assert spark_type_of_structure(structure) == (
        "array<struct<`name`:string,`old`:string,`count`:bigint>>"
    )
    with pytest.raises(ValueError, match="no Spark type"):
        spark_type_of_structure('{"a": "HUGEINT"}')


def test_list_positions_past_the_end_are_null_and_computed_ones_refused() -> None:
    text = to_spark("SELECT a[1] AS first FROM t").text
    assert "TRY_ELEMENT_AT(a, 1)" in text  # NULL past the end, as DuckDB's a[1]
    with pytest.raises(ValueError, match="computed list index"):
        to_spark("SELECT a[n] FROM t")


def test_numbered_parameters_may_repeat() -> None:
    text = to_spark("SELECT * FROM t WHERE a >= $1 AND (b IS NULL OR b <= $1) AND c = $2", [3, "x"])
    assert text.text.count(" 3") == 2 and "'x'" in text.text
    with pytest.raises(ValueError, match=r"\$3"):
        to_spark("SELECT $3", [1, 2])
