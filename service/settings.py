"""Settings: read once from `DEELPOORT_*` environment variables, validated, then frozen.

Invariants:
- Reading settings never connects to anything and never reads key material; it only checks that what is
  configured is well-formed and that production has what it needs (keys not from `keys/`, a secret key).
- An unknown `DEELPOORT_*` variable is an error (a misspelt setting must not be silently ignored), except the
  `DEELPOORT_TEST_*` variables, which belong to the test suite.
"""

from __future__ import annotations

import enum
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from service.domain.certificaat import MtlsModus

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
API_VERSION = "0.1.0"


class SettingsError(Exception):
    """The configuration is invalid; the message says which setting and why (never a secret's value)."""


class HerstelBezigError(SettingsError):
    """The database is marked "herstel bezig": a restore has not finished, so the service must not start
    (answered like a configuration problem: the process ends with this message)."""


Netwerk = ipaddress.IPv4Network | ipaddress.IPv6Network


class Omgeving(enum.StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Sleutelopslag(enum.StrEnum):
    """Where the KEKs are: in the secrets file (`bestand`) or in a PKCS#11 token (`pkcs11`, docs/sleutels-hsm.md)."""

    BESTAND = "bestand"
    PKCS11 = "pkcs11"


DEVELOPMENT_PKCS11_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")  # Debian's SoftHSM2, for development only


@dataclass(frozen=True)
class Settings:
    omgeving: Omgeving = Omgeving.DEVELOPMENT
    instance_path: Path = PROJECT_ROOT / "instance"
    database_url: str = ""  # empty: SQLite file under instance_path
    convenanten_dir: Path = PROJECT_ROOT / "convenants"
    policies_dir: Path = PROJECT_ROOT / "policies"
    keys_dir: Path = PROJECT_ROOT / "keys"
    keys_file: Path | None = None
    keys_json: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    max_body_bytes: int = 1024 * 1024
    log_level: str = "INFO"
    log_origin: str = "deelpoort.example/zvh-drenthe/verstrekkingen"  # the log's identity in its checkpoints
    checkpoint_records: int = 256  # sign a checkpoint at least every N log records ...
    checkpoint_seconds: int = 5  # ... or T seconds after the latest (a record arriving, or the background sender)
    routeeroverleg_venster_dagen: int = 28  # signals of several participants match within this many days
    routeeroverleg_bewaartermijn_weken: int = 6  # unmatched signals and decided matches are then deleted
    # Verantwoording (issue 9): web sessions, exports, the register URI in LDV exports, anomaly thresholds.
    sessie_minuten: int = 30  # a web session ends after this many idle minutes (and after 12 hours at most)
    export_max: int = 100_000  # records in one export
    register_uri: str = "https://deelpoort.example/zvh-drenthe/verwerkingsactiviteiten"
    signaal_venster_dagen: int = 7
    signaal_basis_vensters: int = 8
    signaal_volume_factor: int = 3
    signaal_volume_minimum: int = 20
    signaal_weigeringen: int = 10
    signaal_kantoortijd: str = "07-19"  # weekday hours (Europe/Amsterdam) outside which requests are counted
    signaal_buiten_kantoortijd: int = 5
    mi_drempel: int = 5  # managementinformatie: a published cell below this many is withheld ("< 5")
    # Identity (issue 19): how long new bearer tokens live, and the overlap of a renewed one.
    token_uren_persoon: int = 12
    token_dagen_systeem: int = 90
    token_overlap_uren: int = 24
    # PKIoverheid mTLS (issue 19, docs/mtls.md): None means `uit` in development, `verplicht` in production.
    mtls: MtlsModus | None = None
    vertrouwde_proxies: tuple[Netwerk, ...] = ()  # TCP peers whose X-SSL-Client-* headers are believed
    # People log in to the pages through their organisation's identity provider (issue 19): the YAML file with
    # each partner's issuer and client id (docs/oidc.md); the client secrets are in the key material.
    oidc_bestand: Path | None = None
    # The log's witnesses (issue 20, docs/getuige.md): the YAML file naming them, the quorum and the lag allowed.
    getuigen_bestand: Path | None = None
    # Seeing it run (issue 25, docs/waarneming.md): the log format, and who may read /metrics and the detailed
    # /v1/status. None: `console` and loopback in development, `json` and nobody in production.
    log_formaat: str | None = None
    metrics_adressen: tuple[Netwerk, ...] | None = None
    # The destruction journal outside the database (issue 25, docs/backup.md): required in production.
    vernietigingsjournaal: Path | None = None
    # The KEKs in a PKCS#11 token (issue 25, docs/sleutels-hsm.md); the user PIN from a file or the environment.
    sleutels: Sleutelopslag = Sleutelopslag.BESTAND
    pkcs11_module: Path | None = None  # None: DEVELOPMENT_PKCS11_MODULE in development; production requires it
    pkcs11_token: str | None = None
    pkcs11_pin: str | None = field(default=None, repr=False)
    pkcs11_pin_file: Path | None = None

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.instance_path / 'deelpoort.sqlite3'}")
        _check_database_url(self.database_url)
        if self.max_body_bytes < 1024:
            raise SettingsError("DEELPOORT_MAX_BODY_BYTES must be at least 1024")
        if self.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError("DEELPOORT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR")
        if self.keys_file is not None and self.keys_json is not None:
            raise SettingsError("set DEELPOORT_KEYS_FILE or DEELPOORT_KEYS_JSON, not both")
        if self.routeeroverleg_bewaartermijn_weken * 7 < self.routeeroverleg_venster_dagen:
            raise SettingsError(
                "DEELPOORT_ROUTEEROVERLEG_BEWAARTERMIJN_WEKEN must cover DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN"
            )
        self.kantooruren  # noqa: B018 - validates DEELPOORT_SIGNAAL_KANTOORTIJD at start
        if any(netwerk.prefixlen == 0 for netwerk in self.vertrouwde_proxies):
            raise SettingsError("DEELPOORT_VERTROUWDE_PROXIES must not trust every address (a /0 network)")
        if any(netwerk.prefixlen == 0 for netwerk in self.metrics_adressen or ()):
            raise SettingsError("DEELPOORT_METRICS_ADRESSEN must not admit every address (a /0 network)")
        if self.log_formaat not in (None, "json", "console"):
            raise SettingsError("DEELPOORT_LOG_FORMAAT must be 'json' or 'console'")
        if self.sleutels is Sleutelopslag.PKCS11:
            self._check_pkcs11()
        if self.omgeving is Omgeving.PRODUCTION:
            self._check_production()

    def _check_pkcs11(self) -> None:
        if not self.pkcs11_token:
            raise SettingsError("DEELPOORT_SLEUTELS=pkcs11 needs DEELPOORT_PKCS11_TOKEN (the token's label)")
        if (self.pkcs11_pin is None) == (self.pkcs11_pin_file is None):
            raise SettingsError(
                "DEELPOORT_SLEUTELS=pkcs11 needs the token's user PIN: set DEELPOORT_PKCS11_PIN_FILE (a file "
                "readable only by the service) or DEELPOORT_PKCS11_PIN, exactly one of them"
            )
        if self.is_production and self.pkcs11_module is None:
            raise SettingsError(
                "production with DEELPOORT_SLEUTELS=pkcs11 needs DEELPOORT_PKCS11_MODULE (the HSM's PKCS#11 library)"
            )

    @property
    def pkcs11_module_pad(self) -> Path:
        """`DEELPOORT_PKCS11_MODULE`, or Debian's SoftHSM2 in development."""
        return self.pkcs11_module or DEVELOPMENT_PKCS11_MODULE

    def lees_pkcs11_pin(self) -> str:
        """The token's user PIN, from `DEELPOORT_PKCS11_PIN_FILE` (first line) or `DEELPOORT_PKCS11_PIN`.

        Raises:
            SettingsError: no PIN is configured, the file cannot be read, or it is empty (never showing the PIN).
        """
        if self.pkcs11_pin is not None:
            return self.pkcs11_pin
        if self.pkcs11_pin_file is None:
            raise SettingsError("no PKCS#11 user PIN: set DEELPOORT_PKCS11_PIN_FILE or DEELPOORT_PKCS11_PIN")
        try:
            text = self.pkcs11_pin_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise SettingsError(f"DEELPOORT_PKCS11_PIN_FILE {self.pkcs11_pin_file}: cannot be read") from None
        pin = text.splitlines()[0].strip() if text.strip() else ""
        if not pin:
            raise SettingsError(f"DEELPOORT_PKCS11_PIN_FILE {self.pkcs11_pin_file}: empty")
        return pin

    @property
    def kantooruren(self) -> tuple[int, int]:
        """`signaal_kantoortijd` ("HH-HH") as (from, to) hours.

        Raises:
            SettingsError: not two hours 0..24 with from < to.
        """
        start, _, end = self.signaal_kantoortijd.partition("-")
        if not (start.isdigit() and end.isdigit() and 0 <= int(start) < int(end) <= 24):
            raise SettingsError("DEELPOORT_SIGNAAL_KANTOORTIJD must be two hours like 07-19 (from < to, 0..24)")
        return int(start), int(end)

    def _check_production(self) -> None:
        if self.keys_file is None and self.keys_json is None:
            raise SettingsError(
                "production needs key material: set DEELPOORT_KEYS_FILE (a secrets file) or DEELPOORT_KEYS_JSON"
            )
        if self.keys_file is not None:
            resolved = self.keys_file.resolve()
            if resolved.is_relative_to((PROJECT_ROOT / "keys").resolve()) or resolved.is_relative_to(
                self.keys_dir.resolve()
            ):
                raise SettingsError(
                    "production refuses key material from keys/ (development keys only); "
                    "point DEELPOORT_KEYS_FILE at a secrets file outside the repository"
                )
        if not self.secret_key or len(self.secret_key) < 32:
            raise SettingsError("production needs DEELPOORT_SECRET_KEY of at least 32 characters")
        if self.mtls_modus is MtlsModus.VERPLICHT and not self.vertrouwde_proxies:
            raise SettingsError(
                "production with DEELPOORT_MTLS=verplicht (its default) needs DEELPOORT_VERTROUWDE_PROXIES, the "
                "address of the TLS proxy (nginx): without it no client certificate is believed and every system "
                "is refused (docs/mtls.md)"
            )
        if self.vernietigingsjournaal is None:
            raise SettingsError(
                "production needs DEELPOORT_VERNIETIGINGSJOURNAAL, the destruction journal outside the database "
                "(a file on other storage than the database's): a restore re-applies the destructions it records "
                "(docs/backup.md)"
            )

    @property
    def mtls_modus(self) -> MtlsModus:
        """`DEELPOORT_MTLS`, or its default: `uit` in development, `verplicht` in production."""
        if self.mtls is not None:
            return self.mtls
        return MtlsModus.VERPLICHT if self.is_production else MtlsModus.UIT

    def vertrouwde_proxy(self, adres: str | None) -> bool:
        """Whether the TCP peer `adres` (the connection's, never a forwarded one) is a trusted proxy."""
        return _in_netwerken(adres, self.vertrouwde_proxies)

    @property
    def logformaat(self) -> str:
        """`DEELPOORT_LOG_FORMAAT`, or its default: `console` in development, `json` in production."""
        if self.log_formaat is not None:
            return self.log_formaat
        return "json" if self.is_production else "console"

    @property
    def metrics_netwerken(self) -> tuple[Netwerk, ...]:
        """`DEELPOORT_METRICS_ADRESSEN`, or its default: loopback in development, nobody in production."""
        if self.metrics_adressen is not None:
            return self.metrics_adressen
        return () if self.is_production else _LOOPBACK

    def metrics_toegestaan(self, peer: str | None, doorgestuurd_voor: str | None) -> bool:
        """Whether a request may read `/metrics` and the detailed `/v1/status`: its client is in
        `metrics_netwerken`. The client is the TCP peer `peer`, unless that peer is a trusted proxy
        (`DEELPOORT_VERTROUWDE_PROXIES`) that relayed it: then it is the last address of `doorgestuurd_voor`
        (`X-Forwarded-For`, which the proxy sets: deploy/nginx). A forwarded address from any other peer is ignored."""
        adres = peer
        if doorgestuurd_voor is not None and self.vertrouwde_proxy(peer):
            adres = doorgestuurd_voor.rsplit(",", 1)[-1].strip()
        return _in_netwerken(adres, self.metrics_netwerken)

    @property
    def is_production(self) -> bool:
        return self.omgeving is Omgeving.PRODUCTION

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `DEELPOORT_*` variables.

        Raises:
            SettingsError: on an unknown variable or an invalid value, naming the variable.
        """
        from service.omgevingsvariabelen import lees  # the table of variables and their parsers

        return cls(**lees(os.environ if environ is None else environ))  # type: ignore[arg-type]


_LOOPBACK: tuple[Netwerk, ...] = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _in_netwerken(adres: str | None, netwerken: tuple[Netwerk, ...]) -> bool:
    """Whether the IP address `adres` (IPv4-mapped IPv6 read as IPv4) lies in one of `netwerken`."""
    if not adres:
        return False
    try:
        ip = ipaddress.ip_address(adres)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in netwerk for netwerk in netwerken)


def _check_database_url(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(
            "DEELPOORT_DATABASE_URL is not a database URL (expected e.g. sqlite:///path or "
            "postgresql+psycopg://user@host/db)"
        ) from None
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise SettingsError(
            f"DEELPOORT_DATABASE_URL uses driver '{parsed.drivername}'; supported: {', '.join(SUPPORTED_DRIVERS)}"
        )
    if parsed.drivername.startswith("sqlite") and not parsed.database:
        raise SettingsError("DEELPOORT_DATABASE_URL: an in-memory SQLite database would lose every record")
