"""A test PKI in the shape of PKIoverheid, generated at test time (never committed): a root, an issuing CA below
it, a server certificate for localhost, client certificates with a test OIN in the subject serialNumber, and the
CRLs of both CAs (nginx checks the CRL of every CA in the chain, so both are needed).

EC P-256 keys keep generation fast (milliseconds); real PKIoverheid certificates are RSA, which changes nothing
here: nginx verifies, Deelpoort reads the OIN and validity.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DAG = dt.timedelta(days=1)


def _nu() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _sleutel() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _naam(*attributen: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, waarde) for oid, waarde in attributen])


def pem(certificaat: x509.Certificate) -> str:
    return certificaat.public_bytes(serialization.Encoding.PEM).decode("ascii")


def als_nginx_kop(certificaat: x509.Certificate) -> str:
    """The certificate as nginx forwards it in `$ssl_client_escaped_cert` (URL-escaped PEM)."""
    return quote(pem(certificaat), safe="")


@dataclass(frozen=True)
class Sleutelpaar:
    certificaat: x509.Certificate
    sleutel: ec.EllipticCurvePrivateKey
    cert_pad: Path
    sleutel_pad: Path

    @property
    def kop(self) -> str:
        return als_nginx_kop(self.certificaat)


@dataclass
class Pki:
    """Root -> issuing CA -> client certificates; the root also issues the server certificate."""

    map: Path
    root: x509.Certificate = field(init=False)
    root_sleutel: ec.EllipticCurvePrivateKey = field(init=False)
    uitgever: x509.Certificate = field(init=False)
    uitgever_sleutel: ec.EllipticCurvePrivateKey = field(init=False)
    ingetrokken: list[x509.Certificate] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.map.mkdir(parents=True, exist_ok=True)
        nu = _nu()
        self.root_sleutel = _sleutel()
        root_naam = _naam((NameOID.COUNTRY_NAME, "NL"), (NameOID.COMMON_NAME, "Test Staat der Nederlanden Root CA"))
        self.root = self._ca(root_naam, self.root_sleutel, root_naam, self.root_sleutel, nu, pad_lengte=1)
        self.uitgever_sleutel = _sleutel()
        uitgever_naam = _naam(
            (NameOID.COUNTRY_NAME, "NL"), (NameOID.COMMON_NAME, "Test PKIoverheid Private Services CA")
        )
        self.uitgever = self._ca(uitgever_naam, self.uitgever_sleutel, root_naam, self.root_sleutel, nu, pad_lengte=0)
        (self.map / "root.pem").write_text(pem(self.root))
        (self.map / "uitgever.pem").write_text(pem(self.uitgever))
        self.schrijf_crl()

    @property
    def root_pad(self) -> Path:
        return self.map / "root.pem"

    @property
    def uitgever_pad(self) -> Path:
        return self.map / "uitgever.pem"

    @property
    def crl_pad(self) -> Path:
        return self.map / "crl.pem"

    def _ca(
        self,
        onderwerp: x509.Name,
        sleutel: ec.EllipticCurvePrivateKey,
        uitgever: x509.Name,
        uitgever_sleutel: ec.EllipticCurvePrivateKey,
        nu: dt.datetime,
        *,
        pad_lengte: int,
    ) -> x509.Certificate:
        return (
            x509.CertificateBuilder()
            .subject_name(onderwerp)
            .issuer_name(uitgever)
            .public_key(sleutel.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(nu - DAG)
            .not_valid_after(nu + 3650 * DAG)
            .add_extension(x509.BasicConstraints(ca=True, path_length=pad_lengte), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(sleutel.public_key()), critical=False)
            .sign(uitgever_sleutel, hashes.SHA256())
        )

    def _blad(
        self,
        naam: str,
        onderwerp: x509.Name,
        gebruik: x509.ObjectIdentifier,
        *,
        vanaf: dt.datetime,
        tot: dt.datetime,
        uitgever: x509.Certificate,
        uitgever_sleutel: ec.EllipticCurvePrivateKey,
        san: list[x509.GeneralName] | None = None,
    ) -> Sleutelpaar:
        sleutel = _sleutel()
        builder = (
            x509.CertificateBuilder()
            .subject_name(onderwerp)
            .issuer_name(uitgever.subject)
            .public_key(sleutel.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(vanaf)
            .not_valid_after(tot)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([gebruik]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(uitgever_sleutel.public_key()), critical=False
            )
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        certificaat = builder.sign(uitgever_sleutel, hashes.SHA256())
        cert_pad, sleutel_pad = self.map / f"{naam}.pem", self.map / f"{naam}.key"
        # The chain a client presents: its own certificate and the issuing CA (as PKIoverheid clients do).
        cert_pad.write_text(pem(certificaat) + (pem(uitgever) if uitgever is not self.root else ""))
        sleutel_pad.write_bytes(
            sleutel.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return Sleutelpaar(certificaat, sleutel, cert_pad, sleutel_pad)

    def server(self) -> Sleutelpaar:
        """A server certificate for localhost and 127.0.0.1, issued by the root."""
        nu = _nu()
        return self._blad(
            "server",
            _naam((NameOID.COMMON_NAME, "localhost")),
            ExtendedKeyUsageOID.SERVER_AUTH,
            vanaf=nu - DAG,
            tot=nu + 30 * DAG,
            uitgever=self.root,
            uitgever_sleutel=self.root_sleutel,
            san=[x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
        )

    def client(
        self,
        naam: str,
        oin: str | None,
        *,
        vanaf: dt.datetime | None = None,
        tot: dt.datetime | None = None,
        organisatie: str = "Testorganisatie",
    ) -> Sleutelpaar:
        """A PKIoverheid-like system certificate: O, CN and the OIN in serialNumber (none when `oin` is None)."""
        nu = _nu()
        attributen = [(NameOID.COUNTRY_NAME, "NL"), (NameOID.ORGANIZATION_NAME, organisatie)]
        if oin is not None:
            attributen.append((NameOID.SERIAL_NUMBER, oin))
        attributen.append((NameOID.COMMON_NAME, f"{naam}.systeem.test"))
        return self._blad(
            naam,
            _naam(*attributen),
            ExtendedKeyUsageOID.CLIENT_AUTH,
            vanaf=vanaf or nu - DAG,
            tot=tot or nu + 30 * DAG,
            uitgever=self.uitgever,
            uitgever_sleutel=self.uitgever_sleutel,
        )

    def trek_in(self, certificaat: x509.Certificate) -> None:
        """Revoke a client certificate: the issuing CA's CRL lists it (rewrites `crl_pad`)."""
        self.ingetrokken.append(certificaat)
        self.schrijf_crl()

    def schrijf_crl(self) -> None:
        """Both CAs' CRLs in one PEM file (what nginx's `ssl_crl` reads)."""
        nu = _nu()

        def crl(uitgever: x509.Certificate, sleutel: ec.EllipticCurvePrivateKey, lijst: list[x509.Certificate]) -> str:
            builder = (
                x509.CertificateRevocationListBuilder()
                .issuer_name(uitgever.subject)
                .last_update(nu - DAG)
                .next_update(nu + 7 * DAG)
            )
            for certificaat in lijst:
                builder = builder.add_revoked_certificate(
                    x509.RevokedCertificateBuilder()
                    .serial_number(certificaat.serial_number)
                    .revocation_date(nu - dt.timedelta(hours=1))
                    .build()
                )
            return crl_pem(builder.sign(sleutel, hashes.SHA256()))

        self.crl_pad.write_text(
            crl(self.root, self.root_sleutel, []) + crl(self.uitgever, self.uitgever_sleutel, self.ingetrokken)
        )


def crl_pem(lijst: x509.CertificateRevocationList) -> str:
    return lijst.public_bytes(serialization.Encoding.PEM).decode("ascii")


def vreemde_client(map: Path, oin: str) -> Sleutelpaar:
    """A certificate with a partner's OIN from a CA nobody configured: what a forger could make."""
    return Pki(map).client("vreemd", oin)
