"""The field policy: the version in force (compiled once per version), proposed versions and their diffs, and
policy files on disk checked, compared and explained (`bestanden`).

Invariants:
- The database alone says which version is in force; a compiled table is a cache keyed by version and
  convenant. No usable version in force shares nothing (`GeenBeleidError`).
- A proposed version is validated exactly like the files, and nothing here stores or activates it: activation
  is `beheer`'s, after four eyes.
"""
