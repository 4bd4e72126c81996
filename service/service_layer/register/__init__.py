"""The convenant register: the version in force per request, its stored versions, read-only queries, and the
convenant files on disk read and validated (`bestanden`).

Invariants:
- Within a request every use sees the one convenant version that was in force when it began.
- A stored version is used only when it hashes to its id and loads exactly like the files.
"""
