"""Plain typed records shared between stages."""
