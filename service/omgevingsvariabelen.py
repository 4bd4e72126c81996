"""The `DEELPOORT_*` environment variables: which exist, which `Settings` field each sets, and how its text is
read (`Settings.from_env` calls `lees`).

Invariants:
- An unknown `DEELPOORT_*` variable is an error naming it and listing the known ones (a misspelt setting must
  not be silently ignored); `DEELPOORT_TEST_*` variables belong to the test suite and are left alone.
- A value that does not parse is an error naming its variable, never echoing a secret's value.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from pathlib import Path

from service.domain.certificaat import MtlsModus
from service.settings import Netwerk, Omgeving, SettingsError, Sleutelopslag


def lees(environ: Mapping[str, str]) -> dict[str, object]:
    """The `Settings` fields the `DEELPOORT_*` variables in `environ` set, parsed.

    Raises:
        SettingsError: on an unknown variable or an invalid value, naming the variable.
    """
    ours = {k: v for k, v in environ.items() if k.startswith("DEELPOORT_") and not k.startswith("DEELPOORT_TEST_")}
    unknown = sorted(set(ours) - set(_VARIABLES))
    if unknown:
        known = ", ".join(sorted(_VARIABLES))
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)} (known: {known})")
    velden: dict[str, object] = {}
    for name, value in ours.items():
        attr, parse = _VARIABLES[name]
        try:
            velden[attr] = parse(value)
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from None
    return velden


def _omgeving(value: str) -> Omgeving:
    try:
        return Omgeving(value)
    except ValueError:
        raise ValueError("must be 'development' or 'production'") from None


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError("must be a whole number") from None
    if number <= 0:
        raise ValueError("must be positive")
    return number


def _nonempty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _sleutelopslag(value: str) -> Sleutelopslag:
    try:
        return Sleutelopslag(value)
    except ValueError:
        raise ValueError("must be 'bestand' or 'pkcs11'") from None


def _mtls(value: str) -> MtlsModus:
    try:
        return MtlsModus(value)
    except ValueError:
        raise ValueError("must be 'uit', 'optioneel' or 'verplicht'") from None


def _netwerken(value: str) -> tuple[Netwerk, ...]:
    """Comma-separated IP addresses and CIDR networks (host bits clear), e.g. `127.0.0.1, 10.1.2.0/28`."""
    found: list[Netwerk] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            found.append(ipaddress.ip_network(part, strict=True))
        except ValueError:
            raise ValueError(
                f"'{part}' is not an IP address or a network with its host bits clear (e.g. 10.1.2.0/28)"
            ) from None
    return tuple(found)


def _logformaat(value: str) -> str:
    if value not in ("json", "console"):
        raise ValueError("must be 'json' or 'console'")
    return value


def _path(value: str) -> Path:
    return Path(_nonempty(value)).expanduser()


_VARIABLES: dict[str, tuple[str, Callable[[str], object]]] = {
    "DEELPOORT_ENV": ("omgeving", _omgeving),
    "DEELPOORT_INSTANCE_PATH": ("instance_path", _path),
    "DEELPOORT_DATABASE_URL": ("database_url", _nonempty),
    "DEELPOORT_CONVENANTEN_DIR": ("convenanten_dir", _path),
    "DEELPOORT_POLICIES_DIR": ("policies_dir", _path),
    "DEELPOORT_KEYS_DIR": ("keys_dir", _path),
    "DEELPOORT_KEYS_FILE": ("keys_file", _path),
    "DEELPOORT_KEYS_JSON": ("keys_json", _nonempty),
    "DEELPOORT_SECRET_KEY": ("secret_key", _nonempty),
    "DEELPOORT_MAX_BODY_BYTES": ("max_body_bytes", _positive_int),
    "DEELPOORT_LOG_LEVEL": ("log_level", str.upper),
    "DEELPOORT_LOG_ORIGIN": ("log_origin", _nonempty),
    "DEELPOORT_CHECKPOINT_RECORDS": ("checkpoint_records", _positive_int),
    "DEELPOORT_CHECKPOINT_SECONDS": ("checkpoint_seconds", _positive_int),
    "DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN": ("routeeroverleg_venster_dagen", _positive_int),
    "DEELPOORT_ROUTEEROVERLEG_BEWAARTERMIJN_WEKEN": ("routeeroverleg_bewaartermijn_weken", _positive_int),
    "DEELPOORT_SESSIE_MINUTEN": ("sessie_minuten", _positive_int),
    "DEELPOORT_EXPORT_MAX": ("export_max", _positive_int),
    "DEELPOORT_REGISTER_URI": ("register_uri", _nonempty),
    "DEELPOORT_SIGNAAL_VENSTER_DAGEN": ("signaal_venster_dagen", _positive_int),
    "DEELPOORT_SIGNAAL_BASIS_VENSTERS": ("signaal_basis_vensters", _positive_int),
    "DEELPOORT_SIGNAAL_VOLUME_FACTOR": ("signaal_volume_factor", _positive_int),
    "DEELPOORT_SIGNAAL_VOLUME_MINIMUM": ("signaal_volume_minimum", _positive_int),
    "DEELPOORT_SIGNAAL_WEIGERINGEN": ("signaal_weigeringen", _positive_int),
    "DEELPOORT_SIGNAAL_KANTOORTIJD": ("signaal_kantoortijd", _nonempty),
    "DEELPOORT_SIGNAAL_BUITEN_KANTOORTIJD": ("signaal_buiten_kantoortijd", _positive_int),
    "DEELPOORT_MI_DREMPEL": ("mi_drempel", _positive_int),
    "DEELPOORT_TOKEN_UREN_PERSOON": ("token_uren_persoon", _positive_int),
    "DEELPOORT_TOKEN_DAGEN_SYSTEEM": ("token_dagen_systeem", _positive_int),
    "DEELPOORT_TOKEN_OVERLAP_UREN": ("token_overlap_uren", _positive_int),
    "DEELPOORT_MTLS": ("mtls", _mtls),
    "DEELPOORT_VERTROUWDE_PROXIES": ("vertrouwde_proxies", _netwerken),
    "DEELPOORT_OIDC_BESTAND": ("oidc_bestand", _path),
    "DEELPOORT_GETUIGEN_BESTAND": ("getuigen_bestand", _path),
    "DEELPOORT_LOG_FORMAAT": ("log_formaat", _logformaat),
    "DEELPOORT_METRICS_ADRESSEN": ("metrics_adressen", _netwerken),
    "DEELPOORT_VERNIETIGINGSJOURNAAL": ("vernietigingsjournaal", _path),
    "DEELPOORT_SLEUTELS": ("sleutels", _sleutelopslag),
    "DEELPOORT_PKCS11_MODULE": ("pkcs11_module", _path),
    "DEELPOORT_PKCS11_TOKEN": ("pkcs11_token", _nonempty),
    "DEELPOORT_PKCS11_PIN": ("pkcs11_pin", _nonempty),
    "DEELPOORT_PKCS11_PIN_FILE": ("pkcs11_pin_file", _path),
}
