"""Adapters: SQLAlchemy 2 tables, the engine, repositories and migrations.

Invariants:
- This is the only layer that speaks SQL; the domain never sees a row object.
- Times are stored as timezone-aware UTC and come back aware on every database.
- Later: field values are encrypted here and only here (the repository is the cipher's only caller).
"""
