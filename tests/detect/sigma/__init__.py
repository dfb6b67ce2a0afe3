"""Tests of Sigma support."""
