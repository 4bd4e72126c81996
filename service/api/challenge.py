"""The `WWW-Authenticate: Bearer` challenge of a 401 (RFC 6750 section 3), with every value quoted as the RFC's
examples write it (`error="invalid_token"`): werkzeug quotes only where a value needs it, and some clients
parse only the quoted form."""

from __future__ import annotations

from werkzeug.datastructures import WWWAuthenticate
from werkzeug.http import quote_header_value


class _Bearer(WWWAuthenticate):
    def to_header(self) -> str:
        items = ", ".join(f"{k}={quote_header_value(v, allow_token=False)}" for k, v in self.parameters.items())
        return f"Bearer {items}" if items else "Bearer"


def bearer(**parameters: str) -> WWWAuthenticate:
    """A Bearer challenge in realm "deelpoort" with `parameters` (error, error_description)."""
    return _Bearer("bearer", {"realm": "deelpoort", **parameters})
