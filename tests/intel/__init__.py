"""Tests of threat intel: IOC packs, imports, retro-hunt."""
