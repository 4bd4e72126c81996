"""Reading a client certificate as the TLS-terminating proxy forwards it (nginx `$ssl_client_escaped_cert`).

This does not verify anything: the proxy verified the chain and the CRL before forwarding it, and
`domain.certificaat.beoordeel` judges the result. Here the forwarded text becomes a `Clientcertificaat`.

Invariants:
- Input is bounded (`MAX_KOP`) before it is decoded or parsed; exactly one PEM certificate is accepted.
- The OIN is the subject's serialNumber (OID 2.5.4.5) when there is exactly one and it is 20 digits;
  anything else gives `oin=None` (and so no match with any partner), never a guess.
- Whatever is wrong with the input, `CertificaatError` says only that it could not be read: no part of the
  certificate enters the message, and no cause is chained.
"""

from __future__ import annotations

from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from service.domain.certificaat import OIN, Clientcertificaat

MAX_KOP = 16 * 1024  # a PKIoverheid certificate is 2-3 KB; URL-escaped PEM about 1.5 times that
_BEGIN = "-----BEGIN CERTIFICATE-----"
_END = "-----END CERTIFICATE-----"


class CertificaatError(ValueError):
    """The forwarded certificate could not be read (deliberately uninformative)."""

    def __init__(self) -> None:
        super().__init__("the client certificate could not be read")


def lees_clientcertificaat(kop: str) -> Clientcertificaat:
    """The certificate in a forwarded header: URL-escaped PEM (as nginx's `$ssl_client_escaped_cert`) or PEM.

    Raises:
        CertificaatError: too long, not exactly one PEM certificate, or not a parseable X.509 certificate.
    """
    if len(kop) > MAX_KOP:
        raise CertificaatError
    try:
        pem = (unquote(kop, errors="strict") if "%" in kop else kop).strip()
        if not pem.startswith(_BEGIN) or not pem.endswith(_END) or pem.count(_BEGIN) != 1:
            raise ValueError("not one PEM certificate")
        certificaat = x509.load_pem_x509_certificate(pem.encode("ascii"))
        return Clientcertificaat(
            oin=_oin(certificaat),
            geldig_vanaf=certificaat.not_valid_before_utc,
            geldig_tot=certificaat.not_valid_after_utc,
            vingerafdruk=certificaat.fingerprint(hashes.SHA256()).hex(),
        )
    except (ValueError, UnicodeError, TypeError):
        raise CertificaatError from None


def _oin(certificaat: x509.Certificate) -> str | None:
    """The subject serialNumber when it is exactly one 20-digit value (PKIoverheid puts the OIN there)."""
    attributen = certificaat.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    if len(attributen) != 1:
        return None
    waarde = attributen[0].value
    return waarde if isinstance(waarde, str) and OIN.fullmatch(waarde) else None
