"""Helpers shared by the tests: plain functions and classes, imported as modules (never from a conftest)."""
