"""The domain: entities and value objects of the ZVH convenant, in the glossary's names.

Invariants:
- This package imports the standard library only (checked by import-linter).
- Every value object is immutable; collections are tuples or frozensets.
- Names (ids) are the convenant's own identifiers; nothing here knows of Flask, SQLAlchemy or files.
"""
