"""One reader module per source format, grouped by the system that exports it."""
