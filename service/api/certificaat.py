"""The client certificate headers of the TLS-terminating proxy: believed only from a trusted proxy.

In production nginx (`deploy/nginx/deelpoort.conf`) verifies a partner system's PKIoverheid certificate and
forwards `X-SSL-Client-Verify` (`$ssl_client_verify`) and `X-SSL-Client-Cert` (`$ssl_client_escaped_cert`),
overwriting whatever a client sent under those names. See docs/mtls.md.

Invariants:
- The headers count only when the TCP peer of this connection (the WSGI server's `REMOTE_ADDR`, never
  `X-Forwarded-For` or any other header) is in `DEELPOORT_VERTROUWDE_PROXIES`.
- From any other peer they are ignored (removed from the request before any view or hook after this one reads
  them) and counted as a security signal for the FG, on every route, authenticated or not.
- A refused certificate is a 401 with `WWW-Authenticate: Bearer realm="deelpoort", error="invalid_token"` and a
  fixed description of the kind of refusal; nothing read from the certificate is echoed or logged.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app, request
from werkzeug.exceptions import Unauthorized

from service.api import challenge
from service.domain.casus import Gebruiker
from service.domain.certificaat import GEEN, MtlsModus
from service.service_layer.identiteit.certificaten import aanbieding, controleer_certificaat, meld_onvertrouwde_kop
from service.service_layer.services import Services
from service.settings import Settings

KOP_CERTIFICAAT = "X-SSL-Client-Cert"
KOP_VERIFICATIE = "X-SSL-Client-Verify"
_ENVIRON = ("HTTP_X_SSL_CLIENT_CERT", "HTTP_X_SSL_CLIENT_VERIFY")


def register(app: Flask) -> None:
    app.before_request(_onvertrouwde_koppen)


def _settings() -> Settings:
    return cast(Settings, current_app.extensions["deelpoort.settings"])


def _services() -> Services:
    return cast(Services, current_app.extensions["deelpoort"])


def _van_vertrouwde_proxy() -> bool:
    # REMOTE_ADDR as the WSGI server set it from the socket: Deelpoort installs no ProxyFix, so no header can
    # change it.
    return _settings().vertrouwde_proxy(request.environ.get("REMOTE_ADDR"))


def _onvertrouwde_koppen() -> None:
    """Drop certificate headers a peer other than a trusted proxy sent, and count the attempt for the FG."""
    if not any(name in request.environ for name in _ENVIRON) or _van_vertrouwde_proxy():
        return
    for name in _ENVIRON:
        request.environ.pop(name, None)
    meld_onvertrouwde_kop(_services())


def certificaat_oin(gebruiker: Gebruiker) -> str | None:
    """Check the client certificate of this request against `gebruiker` (already authenticated by its token);
    returns the certificate's OIN when one was accepted, None when none was used.

    Raises:
        Unauthorized: the certificate is required but absent, was not verified by the proxy, is unreadable,
            expired or not yet valid, or does not carry an OIN of the gebruiker's partner.
    """
    settings = _settings()
    modus = settings.mtls_modus
    if modus is MtlsModus.UIT:
        return None
    aangeboden = (
        aanbieding(request.headers.get(KOP_VERIFICATIE), request.headers.get(KOP_CERTIFICAAT))
        if _van_vertrouwde_proxy()
        else GEEN
    )
    uitslag = controleer_certificaat(_services(), gebruiker, aangeboden, modus)
    if uitslag.weigering is not None:
        raise Unauthorized(
            "a valid bearer token is required, with a PKIoverheid client certificate of its partner",
            www_authenticate=challenge.bearer(error="invalid_token", error_description=uitslag.weigering.value),
        )
    return uitslag.oin
