"""Sigma support: SigmaHQ rules mapped onto the case store and run as DuckDB SQL."""
