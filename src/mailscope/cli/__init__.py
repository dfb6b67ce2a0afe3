"""Thin command-line layer: parse options, call the library, map errors to exit codes."""
