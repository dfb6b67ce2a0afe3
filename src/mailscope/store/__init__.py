"""The case store: one DuckDB file per case, the single source of truth for every stage."""
