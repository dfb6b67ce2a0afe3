"""Rule SQL, written once in DuckDB's dialect, as Spark SQL (sqlglot), with ``?`` bound.

Detections are DuckDB SQL; on the Spark engine the same text is transpiled here, never
rewritten by hand. Three kinds of node need more than sqlglot's own translation:

- **Functions whose Spark namesake means something else** (DuckDB's ``regexp_replace``
  replaces the first match, Spark's every match; ``epoch`` keeps fractions of a second,
  ``unix_timestamp`` drops them; ``list_distinct`` drops NULLs) and **functions Spark does
  not have** (``json_valid``, ``json_type``, DuckDB's JSON paths and ``from_json``
  structures, ``time_bucket``) become calls of :mod:`mailscope.spark.duckdb_udfs`: the
  same DuckDB expression, evaluated by DuckDB on each Spark executor over Arrow batches.
  Their answers are DuckDB's by construction, not by imitation.
- **Ordered list aggregates** (``list(x ORDER BY y)``), whose ORDER BY sqlglot drops, sort
  (key, value) pairs and keep the values.
- **Parameters** (``?``) are bound as literals in the parsed tree, never by string
  formatting, so a value cannot change the shape of the query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import sqlglot
from sqlglot import exp

from mailscope.spark.duckdb_udfs import UdfCall, constant_value, spark_type_of_structure

_END = object()


@dataclass(frozen=True, slots=True)
class SparkQuery:
    """One query for Spark: its text, the DuckDB-evaluated functions it calls, and the
    views to materialise first (``steps``: name, Spark SQL), in order."""

    text: str
    udfs: tuple[UdfCall, ...]
    steps: tuple[tuple[str, str], ...] = ()


def to_spark(sql: str, parameters: Sequence[object] = ()) -> SparkQuery:
    """``sql`` (DuckDB) as one Spark SQL statement, each ``?`` replaced by its parameter."""
    tree = _parsed(sql).copy()
    values = iter(parameters)
    count = len(parameters)

    numbered = False

    def bind(node: exp.Expr) -> exp.Expr:
        nonlocal numbered
        if isinstance(node, exp.Placeholder) and node.this is not None:  # $1, $2 …
            numbered = True
            index = int(str(node.this)) - 1
            if not 0 <= index < count:
                raise ValueError(f"query uses ${index + 1} but has {count} parameters")
            return literal(parameters[index])
        if isinstance(node, exp.Placeholder):
            try:
                return literal(next(values))
            except StopIteration:
                raise ValueError(f"query has more ? than the {count} parameters") from None
        return node

    bound = tree.transform(bind)
    if not numbered and next(values, _END) is not _END:
        raise ValueError(f"query has fewer ? than the {count} parameters")
    udfs: dict[str, UdfCall] = {}
    rewritten = _rewrite(bound, udfs)
    steps = _materialised_ctes(rewritten) if udfs else ()
    text = _text(rewritten)
    return SparkQuery(text, tuple(udfs.values()), steps)


def _text(tree: exp.Expr) -> str:
    return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)


def _materialised_ctes(tree: exp.Expr) -> tuple[tuple[str, str], ...]:
    """The top-level WITH of a query that calls DuckDB-evaluated functions, as views to
    materialise one by one (the WITH is removed from ``tree``).

    Spark cannot plan a correlated subquery over a plan holding Python functions, and
    would evaluate a CTE once per reference; materialised, each CTE is computed once and
    later steps see plain data. Views get unique names, so none shadows a store table."""
    with_ = tree.args.get("with_")
    if not isinstance(with_, exp.With) or with_.args.get("recursive"):
        return ()
    digest = _digest(_text(tree))
    names: dict[str, str] = {}
    steps = []
    for cte in with_.expressions:
        body = _renamed(cte.this.copy(), names)
        view = f"_ms_cte_{digest}_{cte.alias_or_name}"
        steps.append((view, _text(body)))
        names[cte.alias_or_name.lower()] = view
    tree.set("with_", None)
    _renamed(tree, names)
    return tuple(steps)


def _renamed(tree: exp.Expr, names: dict[str, str]) -> exp.Expr:
    for table in tree.find_all(exp.Table):
        view = names.get(table.name.lower()) if not table.db else None
        if view is not None:
            alias = table.alias or table.name
            table.set("this", exp.to_identifier(view))
            table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return tree


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


@lru_cache(maxsize=512)
def _parsed(sql: str) -> exp.Expr:
    return sqlglot.parse_one(sql, read="duckdb")


def literal(value: object) -> exp.Expr:
    """A SQL literal for one parameter value (lists become arrays)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, datetime):
        text = value.replace(tzinfo=None).isoformat(sep=" ")
        return exp.cast(exp.Literal.string(text), exp.DataType.build("TIMESTAMP"))
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(item) for item in value])
    raise TypeError(f"cannot bind a {type(value).__name__} parameter")


# DuckDB function -> the Spark type of its result, for the functions evaluated by DuckDB.
_JSON_TEXT = "string"
_ANONYMOUS = {
    "json_valid": "boolean",
    "list_slice": "array<string>",
    "list_distinct": "array<string>",
}
_BY_NODE: dict[type[exp.Expr], str] = {
    exp.JSONType: "string",
    exp.RegexpReplace: "string",
    exp.TimeToUnix: "double",
    exp.DateDiff: "bigint",
    exp.DateBin: "timestamp_ntz",
    exp.ArrayDistinct: "array<string>",
    exp.Flatten: "array<string>",
    exp.Length: "bigint",  # DuckDB's length() also counts a list's items
    exp.ArrayToString: "string",  # NULL for a list of NULLs, where Spark gives ''
}


def _result_type(node: exp.Expr) -> str | None:
    """The Spark type of ``node``'s value when DuckDB must evaluate it, else None."""
    if isinstance(node, exp.Anonymous):
        return _ANONYMOUS.get(node.name.lower())
    if isinstance(node, exp.JSONExtract | exp.JSONExtractScalar):
        path = node.expression.sql(dialect="duckdb")
        return "array<string>" if "[*]" in path else _JSON_TEXT
    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.JSON):
        return _JSON_TEXT
    if isinstance(node, exp.FromJson) and isinstance(node.expression, exp.Literal):
        return spark_type_of_structure(node.expression.name)
    if isinstance(node, exp.Bracket) and any(isinstance(e, exp.Slice) for e in node.expressions):
        return "array<string>"
    return _BY_NODE.get(type(node))


def _rewrite(tree: exp.Expr, udfs: dict[str, UdfCall]) -> exp.Expr:
    def visit(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Filter) and _is_ordered_list(node.this):
            return _ordered_list(node.this, visit, node.expression)
        if isinstance(node, exp.Filter) and isinstance(node.this, exp.GroupConcat):
            return _string_agg(node.this, visit, node.expression)
        if isinstance(node, exp.GroupConcat):
            return _string_agg(node, visit)
        if _is_index(node):
            # DuckDB's list[i] is NULL past the end; Spark's (ANSI) arr[i] fails the query.
            assert isinstance(node, exp.Bracket)
            position = int(node.expressions[0].name) + 1  # sqlglot keeps indexes 0-based
            items = node.this.copy().transform(visit)
            return exp.Anonymous(
                this="try_element_at", expressions=[items, exp.Literal.number(position)]
            )
        if _is_computed_index(node):
            raise ValueError("a computed list index cannot be transpiled exactly; use a constant")
        if isinstance(node, exp.Div) and not node.args.get("typed"):
            # DuckDB's / always gives a DOUBLE; Spark's keeps DECIMAL operands DECIMAL.
            left = exp.cast(node.this.copy().transform(visit), exp.DataType.build("DOUBLE"))
            return exp.Div(this=left, expression=node.expression.copy().transform(visit))
        if _is_ordered_list(node):
            assert isinstance(node, exp.ArrayAgg)
            return _ordered_list(node, visit)
        spark_type = _result_type(node)
        if spark_type is None:
            return node
        return _udf_call(node, spark_type, udfs, visit)

    return _lift_generators(tree.transform(visit))


def _is_index(node: exp.Expr) -> bool:
    """``list[i]`` with a constant, non-negative position (a slice is not an index)."""
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return False
    index = node.expressions[0]
    return isinstance(index, exp.Literal) and not index.is_string and index.name.isdigit()


def _is_computed_index(node: exp.Expr) -> bool:
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return False
    index = node.expressions[0]
    return not isinstance(index, exp.Literal | exp.Slice)


def _is_ordered_list(node: exp.Expr) -> bool:
    return isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order)


def _lift_generators(tree: exp.Expr) -> exp.Expr:
    """DuckDB allows ``f(unnest(xs))`` in a select list; Spark only a bare generator, so
    ``f(explode(xs))`` becomes ``explode(transform(xs, e -> f(e)))``."""
    for select in list(tree.find_all(exp.Select)):
        for projection in select.expressions:
            top = projection.this if isinstance(projection, exp.Alias) else projection
            inner = [g for g in top.find_all(exp.Explode) if g is not top]
            if not inner:
                continue
            if len(inner) > 1:
                raise ValueError("only one nested unnest() per select expression")
            generator = inner[0]
            items = generator.this.copy()
            generator.replace(exp.column("_ms_item"))
            lifted = sqlglot.parse_one(
                f"explode(transform({items.sql('spark')}, _ms_item -> {top.sql('spark')}))",
                read="spark",
            )
            if isinstance(projection, exp.Alias):
                projection.set("this", lifted)
            else:
                projection.replace(lifted)
    return tree


def _udf_call(
    node: exp.Expr,
    spark_type: str,
    udfs: dict[str, UdfCall],
    visit: Callable[[exp.Expr], exp.Expr],
) -> exp.Expr:
    """``node`` as a call of a DuckDB-evaluated function; its non-constant operands, each
    transpiled in turn, are the call's arguments (``a0``, ``a1``… in the DuckDB text)."""
    arguments: list[exp.Expr] = []
    template = node.copy()

    def hole(child: exp.Expr) -> exp.Expr:
        if _constant(child):
            return child
        arguments.append(child.copy().transform(visit))
        return exp.column(f"a{len(arguments) - 1}")

    template = _replace_operands(template, hole)
    if not arguments:  # a constant: DuckDB's value, inlined
        return literal(constant_value(template.sql(dialect="duckdb")))
    call = UdfCall.of(template.sql(dialect="duckdb"), spark_type, len(arguments))
    udfs[call.name] = call
    return exp.Anonymous(this=call.name, expressions=arguments)


def _replace_operands(node: exp.Expr, hole: Callable[[exp.Expr], exp.Expr]) -> exp.Expr:
    """Replace each maximal non-constant operand below ``node`` (not ``node`` itself)."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expr):
            node.set(key, _operand(value, hole))
        elif isinstance(value, list):
            node.set(key, [_operand(v, hole) if isinstance(v, exp.Expr) else v for v in value])
    return node


def _operand(child: exp.Expr, hole: Callable[[exp.Expr], exp.Expr]) -> exp.Expr:
    if _constant(child) or isinstance(child, exp.DataType | exp.JSONPath | exp.Var | exp.Lambda):
        return child
    if isinstance(child, exp.Interval | exp.Slice):
        return _replace_operands(child, hole)
    return hole(child)


def _constant(node: exp.Expr) -> bool:
    return isinstance(node, exp.Literal | exp.Null | exp.Boolean) or (
        isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal)
    )


def _ordered_list(
    node: exp.ArrayAgg, visit: Callable[[exp.Expr], exp.Expr], where: exp.Expr | None = None
) -> exp.Expr:
    """``list([DISTINCT] x ORDER BY k)``, ORDER BY kept (sqlglot's own output drops it)."""
    return sqlglot.parse_one(_ordered_array(node.this, visit, where), read="spark")


def _string_agg(
    node: exp.GroupConcat, visit: Callable[[exp.Expr], exp.Expr], where: exp.Expr | None = None
) -> exp.Expr:
    """``string_agg([DISTINCT] x, sep [ORDER BY k])``: NULLs skipped, and NULL (not '')
    when nothing is left, as in DuckDB."""
    separator = node.args.get("separator")
    sep = separator.sql(dialect="spark") if separator is not None else "','"
    if isinstance(node.this, exp.Order):
        items = _ordered_array(node.this, visit, where)
    else:
        distinct = isinstance(node.this, exp.Distinct)
        value = node.this.expressions[0] if distinct else node.this
        items = f"collect_list({'DISTINCT ' if distinct else ''}{_spark(value, visit)})"
        if where is not None:
            items += f" FILTER ({_spark(where, visit)})"
    text = (
        f"CASE WHEN size(filter({items}, v -> v IS NOT NULL)) = 0 THEN NULL "
        f"ELSE array_join({items}, {sep}) END"
    )
    return sqlglot.parse_one(text, read="spark")


def _spark(node: exp.Expr, visit: Callable[[exp.Expr], exp.Expr]) -> str:
    return node.copy().transform(visit).sql(dialect="spark")


def _ordered_array(
    order: exp.Expr, visit: Callable[[exp.Expr], exp.Expr], where: exp.Expr | None
) -> str:
    """The aggregated values of ``[DISTINCT] x ORDER BY k`` as a Spark array: (k, x) pairs
    collected and sorted by k as DuckDB sorts (NULLs last unless ``NULLS FIRST``), then the
    values kept. NULL values stay (one of them under DISTINCT), as in DuckDB's ``list``."""
    assert isinstance(order, exp.Order)
    distinct = isinstance(order.this, exp.Distinct)
    value = _spark(order.this.expressions[0] if distinct else order.this, visit)
    fields, steps = [], []
    for index, key in enumerate(order.expressions):
        k = f"k{index}"
        fields.append(f"'{k}', {_spark(key.this, visit)}")
        less, more = ("1", "-1") if key.args.get("desc") else ("-1", "1")
        null_l, null_r = ("-1", "1") if key.args.get("nulls_first") else ("1", "-1")
        steps.append(
            f"WHEN l.{k} IS NULL AND r.{k} IS NULL THEN NULL "
            f"WHEN l.{k} IS NULL THEN {null_l} WHEN r.{k} IS NULL THEN {null_r} "
            f"WHEN l.{k} < r.{k} THEN {less} WHEN l.{k} > r.{k} THEN {more}"
        )
    # Each key decides unless equal (NULL from its CASE), then the next key; else a tie.
    decisions = [f"CASE {step} END" for step in steps]
    compare = f"(l, r) -> coalesce({', '.join([*decisions, '0'])})"
    pairs = f"collect_list(named_struct({', '.join(fields)}, 'v', {value}))"
    if where is not None:
        pairs += f" FILTER ({_spark(where, visit)})"
    if distinct:
        pairs = f"array_distinct({pairs})"
    return f"transform(array_sort({pairs}, {compare}), p -> p.v)"
