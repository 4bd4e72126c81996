"""A system's PKIoverheid client certificate, as the TLS-terminating proxy forwarded it, and the rule it must meet.

The proxy (nginx, `deploy/nginx/deelpoort.conf`) does the cryptographic work: it verifies the chain against the
configured PKIoverheid trust anchors and the CRLs, and forwards the result (`SUCCESS`, `FAILED:<reason>`, `NONE`)
with the certificate. Deelpoort then decides whether that certificate may accompany this gebruiker's token.

Invariants:
- `beoordeel` is pure (no clock, no I/O): everything it reads is an argument, and it never raises.
- `MtlsModus.UIT` ignores certificates altogether. Otherwise a certificate that is presented must be one the
  proxy verified (`SUCCESS`), valid at `nu` (not before `geldig_vanaf`, not at or after `geldig_tot`), and carry
  in its subject serialNumber the OIN of the gebruiker's partner or one of the partner's registered subOINs.
  Under `MtlsModus.VERPLICHT` a gebruiker of soort `systeem` must present one; persons use tokens only.
- A refusal names its kind (`Certificaatweigering`), never anything read from the certificate: no subject,
  no OIN, no serial number enters a message or a log line.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from service.domain.identiteit import SoortGebruiker

OIN = re.compile(r"^[0-9]{20}$")
GEVERIFIEERD = "SUCCESS"  # the proxy's value of `$ssl_client_verify` for a certificate it verified


class MtlsModus(enum.StrEnum):
    """Setting `DEELPOORT_MTLS`: whether client certificates are checked, and whether systems must present one."""

    UIT = "uit"  # certificates are ignored (development; a service not behind the mTLS proxy)
    OPTIONEEL = "optioneel"  # a presented certificate must match; absence is fine
    VERPLICHT = "verplicht"  # as optioneel, and every gebruiker of soort systeem must present one


class Certificaatweigering(enum.StrEnum):
    """Why a request's certificate is refused: the `error_description` of `WWW-Authenticate` (RFC 6750)."""

    ONTBREEKT = "a PKIoverheid client certificate is required for this gebruiker"
    NIET_GEVERIFIEERD = "the client certificate was not verified by the proxy"
    ONLEESBAAR = "the client certificate could not be read"
    BUITEN_GELDIGHEID = "the client certificate is expired or not yet valid"
    ANDERE_OIN = "the client certificate does not carry an OIN of the token's partner"


@dataclass(frozen=True, slots=True)
class Clientcertificaat:
    """What Deelpoort reads from a client certificate: the OIN (subject serialNumber, when it is 20 digits),
    its validity and its SHA-256 fingerprint (for binding tokens to it). Never the rest of the subject."""

    oin: str | None
    geldig_vanaf: dt.datetime  # UTC
    geldig_tot: dt.datetime  # UTC (the certificate's notAfter)
    vingerafdruk: str  # SHA-256 of the DER encoding, lowercase hex

    def __repr__(self) -> str:
        # Keep certificate contents out of tracebacks and debug output (see the module invariants).
        return "Clientcertificaat(...)"


@dataclass(frozen=True, slots=True)
class Aanbieding:
    """What a trusted proxy forwarded about the TLS client: its verification result and the certificate.

    `certificaat` is None when none was sent; `onleesbaar` is True when one was sent but could not be parsed.
    """

    verificatie: str | None  # `$ssl_client_verify`: SUCCESS, FAILED:<reason>, NONE; None when absent
    certificaat: Clientcertificaat | None = None
    onleesbaar: bool = False

    @property
    def aanwezig(self) -> bool:
        """Whether the client presented a certificate at all (verified or not)."""
        return self.certificaat is not None or self.onleesbaar or self.verificatie not in (None, "", "NONE")


GEEN = Aanbieding(None)  # nothing forwarded (or forwarded by a peer that is not a trusted proxy: ignored)


@dataclass(frozen=True, slots=True)
class Certificaatuitslag:
    """The outcome of `beoordeel`: the OIN of an accepted certificate (None when none was used), or why not."""

    oin: str | None = None
    weigering: Certificaatweigering | None = None
    vingerafdruk: str | None = None

    @property
    def toegestaan(self) -> bool:
        return self.weigering is None


def beoordeel(
    modus: MtlsModus,
    soort: str,
    aanbieding: Aanbieding,
    oins: frozenset[str],
    nu: dt.datetime,
) -> Certificaatuitslag:
    """Whether the certificate in `aanbieding` may accompany a token of a gebruiker of `soort` whose partner
    has the OIN and subOINs `oins`, at `nu` (see the module invariants). Never raises."""
    if modus is MtlsModus.UIT:
        return Certificaatuitslag()
    if not aanbieding.aanwezig:
        if modus is MtlsModus.VERPLICHT and soort == SoortGebruiker.SYSTEEM:
            return Certificaatuitslag(weigering=Certificaatweigering.ONTBREEKT)
        return Certificaatuitslag()
    if aanbieding.verificatie != GEVERIFIEERD:
        return Certificaatuitslag(weigering=Certificaatweigering.NIET_GEVERIFIEERD)
    certificaat = aanbieding.certificaat
    if certificaat is None:
        # Verified by the proxy, yet missing or unparseable here: a misconfigured proxy, never a pass.
        return Certificaatuitslag(weigering=Certificaatweigering.ONLEESBAAR)
    if not certificaat.geldig_vanaf <= nu < certificaat.geldig_tot:
        return Certificaatuitslag(weigering=Certificaatweigering.BUITEN_GELDIGHEID)
    if certificaat.oin is None or certificaat.oin not in oins:
        return Certificaatuitslag(weigering=Certificaatweigering.ANDERE_OIN)
    return Certificaatuitslag(oin=certificaat.oin, vingerafdruk=certificaat.vingerafdruk)
