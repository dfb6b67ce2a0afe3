"""Tests of the offline JWT / JWKS checker."""
