"""Client certificates: whether the PKIoverheid certificate a trusted proxy forwarded fits the token's gebruiker,
and counting certificate headers that came from anywhere else.

The entry point decides whether the TCP peer is a trusted proxy (only it knows the connection) and passes the
forwarded values in; nothing here reads a request.

Invariants:
- `controleer_certificaat` reads the certificate (`crypto.lees_clientcertificaat`) and judges it with the pure
  `domain.certificaat.beoordeel` against the OINs of the gebruiker's partner in the convenant in force (its OIN
  and registered subOINs). It never raises for any input: an unreadable certificate is a refusal.
- `meld_onvertrouwde_kop` counts one signal for the FG in the current hour and commits it at once, whatever
  happens to the request afterwards. It records no address, header or token (only the soort and the hour).
- Nothing read from a certificate is logged or put in a message.
"""

from __future__ import annotations

import datetime as dt

import structlog

from service.crypto import CertificaatError, lees_clientcertificaat
from service.domain.casus import Gebruiker, utcnow
from service.domain.certificaat import Aanbieding, Certificaatuitslag, MtlsModus, beoordeel
from service.service_layer.services import Services

log = structlog.get_logger("deelpoort.identiteit")

ONVERTROUWDE_KOP = "certificaatkop-onvertrouwd"  # a certificate header from a peer that is no trusted proxy


def aanbieding(verificatie: str | None, certificaat: str | None) -> Aanbieding:
    """What a trusted proxy forwarded: `$ssl_client_verify` and `$ssl_client_escaped_cert` (either may be absent
    or empty). Never raises: an unreadable certificate is marked `onleesbaar`."""
    if not certificaat:
        return Aanbieding(verificatie or None)
    try:
        return Aanbieding(verificatie or None, lees_clientcertificaat(certificaat))
    except CertificaatError:
        return Aanbieding(verificatie or None, onleesbaar=True)


def controleer_certificaat(
    services: Services,
    gebruiker: Gebruiker,
    aangeboden: Aanbieding,
    modus: MtlsModus,
    *,
    now: dt.datetime | None = None,
) -> Certificaatuitslag:
    """Whether `aangeboden` may accompany `gebruiker`'s token (see `domain.certificaat.beoordeel`)."""
    partner = services.convenant.partner(gebruiker.partner_id)
    oins = partner.oins if partner is not None else frozenset()
    uitslag = beoordeel(modus, gebruiker.soort, aangeboden, oins, now or utcnow())
    if uitslag.weigering is not None:
        log.info("client_certificate_refused", reden=uitslag.weigering.name, partner=gebruiker.partner_id)
    return uitslag


def meld_onvertrouwde_kop(services: Services, *, now: dt.datetime | None = None) -> None:
    """Count a client certificate header sent by a peer that is not a trusted proxy (an attempt to pose as
    the proxy, or a misconfigured one): the FG sees the count among its signals."""
    log.warning("client_certificate_header_from_untrusted_peer", signaal=ONVERTROUWDE_KOP)
    with services.uow() as uow:
        uow.beveiligingssignalen.tel(ONVERTROUWDE_KOP, now or utcnow())
        uow.commit()
