"""The witness's (getuige's) HTTP service: a small Flask app of its own, separate from Deelpoort's API.

`create_getuige_app(config)` is its composition root: it opens the witness (`service_layer.getuige`) and
registers the routes of `service.getuige.http`. Served by `deelpoort getuige serve` (gunicorn); see
`docs/getuige.md` for the interface.

Invariants:
- Like `service.api`, this package calls the service layer only; it never imports adapters, crypto, audit or
  their libraries (import-linter).
- Nothing runs at import: the key is read and the storage opened when the app is created (once per worker).
"""

from service.getuige.http import create_getuige_app

__all__ = ["create_getuige_app"]
