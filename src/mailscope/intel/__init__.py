"""Threat intel: IOC lists and packs, STIX 2.1, retro-hunts, token checks."""
