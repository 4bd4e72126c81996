"""The composition root: the one place that picks concrete classes and wires them together.

Nothing here runs at import; `build_services` is called by `create_app` and by CLI commands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from service.adapters import convenant_store
from service.adapters.casus_keys import CasusKeys
from service.adapters.database import make_engine
from service.adapters.getuigen_http import HttpGetuigen
from service.adapters.identiteitsprovider import HttpIdentiteitsprovider
from service.adapters.journaalbestand import JournaalBestand
from service.adapters.log_store import LogDatabase
from service.adapters.storingen import als_storing
from service.audit import CheckpointBeleid
from service.convenant.versies import laad, lees_map
from service.crypto import KeyMaterial, KeyMaterialError, Keyring, key_material_from_json, load_key_material
from service.crypto.material import DEVELOPMENT_KEYS_FILENAME
from service.domain.convenant import Convenant
from service.domain.errors import NietBeschikbaarError
from service.domain.identiteit import Levensduur
from service.domain.routeeroverleg import RouteerInstellingen
from service.service_layer.herstel.journaal import Vernietigingsjournaal
from service.service_layer.identiteit.oidc_inrichting import (
    OidcDienst,
    OidcInrichtingError,
    controleer_geheimen,
    lees_oidc_bestand,
)
from service.service_layer.logboek.getuigen_inrichting import (
    GetuigenDienst,
    GetuigenInrichtingError,
    lees_getuigen_bestand,
)
from service.service_layer.logboek.schrijver import VerstrekkingLog
from service.service_layer.register.bron import ConvenantBron, GeenConvenantError
from service.service_layer.services import Services
from service.service_layer.waarneming.meter import GeenMeter, Meter
from service.settings import PROJECT_ROOT, Settings, SettingsError, Sleutelopslag

if TYPE_CHECKING:
    from service.crypto.token_keyring import TokenKeyring


def development_key_path(settings: Settings) -> Path:
    return settings.keys_dir / DEVELOPMENT_KEYS_FILENAME


def load_keys(settings: Settings) -> KeyMaterial:
    """The key material the settings point at, refused in production when it is development material; with
    `DEELPOORT_SLEUTELS=pkcs11` its keyring is the token's (the file's KEKs, if any, only read old DEKs).

    Raises:
        SettingsError: no key material, malformed material (naming the key), development keys in production, no
            KEKs in the file for the `bestand` backend, or a token that cannot be used (module, token, PIN, a
            regime without a KEK; never showing the PIN).
    """
    material = load_key_file(settings)
    if settings.sleutels is Sleutelopslag.PKCS11:
        return dataclasses.replace(material, keyring=open_token_keyring(settings, material))
    if material.keyring is None:
        raise SettingsError(
            "key material: the secrets file has no kek section; its KEKs are in a PKCS#11 token, so set "
            "DEELPOORT_SLEUTELS=pkcs11 (docs/sleutels-hsm.md)"
        )
    return material


def open_token_keyring(
    settings: Settings, material: KeyMaterial | None = None, *, volledig: bool = True
) -> TokenKeyring:
    """The token keyring the settings name (`DEELPOORT_PKCS11_*`), reading format-1 DEKs with the file's KEKs.

    Args:
        settings: With `sleutels` pkcs11.
        material: The secrets file's material, whose KEKs (if any) stay readable for the migration.
        volledig: False to open the token even when a regime has no KEK yet (`keys pkcs11-init`).

    Raises:
        SettingsError: the module, the token or the PIN is wrong, or (when `volledig`) a regime has no KEK.
    """
    from service.crypto.hsm_token import Pkcs11Token
    from service.crypto.token_keyring import TokenKeyring

    legacy = material.keyring if material is not None and isinstance(material.keyring, Keyring) else None
    try:
        token = Pkcs11Token(str(settings.pkcs11_module_pad), settings.pkcs11_token or "", settings.lees_pkcs11_pin())
        if not volledig:
            token.open()
            return TokenKeyring.zonder_controle(token, legacy)
        return TokenKeyring(token, legacy)
    except KeyMaterialError as exc:
        raise SettingsError(f"key material: {exc}") from None


def load_key_file(settings: Settings) -> KeyMaterial:
    """The secrets file's material as it is (its keyring, if any, is the file's), refused in production when it is
    development material.

    Raises:
        SettingsError: as for `load_keys`, without the keyring checks.
    """
    try:
        if settings.keys_json is not None:
            material = key_material_from_json(settings.keys_json)
        elif settings.keys_file is not None:
            material = load_key_material(settings.keys_file)
        else:
            path = development_key_path(settings)
            if not path.exists():
                raise SettingsError(f"no key material at {path}: run `deelpoort keys init` (development only)")
            material = load_key_material(path)
    except KeyMaterialError as exc:
        raise SettingsError(f"key material: {exc}") from None
    if settings.is_production:
        if material.development:
            raise SettingsError("production refuses key material marked as development keys")
        if material.path is not None and Path(material.path).resolve().is_relative_to(
            (PROJECT_ROOT / "keys").resolve()
        ):
            raise SettingsError("production refuses key material read from keys/")
    return material


def build_oidc(settings: Settings, convenant: Convenant, keys: KeyMaterial) -> OidcDienst | None:
    """People's login through their partner's OpenID Provider, when `DEELPOORT_OIDC_BESTAND` sets it up.

    Raises:
        SettingsError: the set-up file is invalid, or does not fit the client secrets in the key material.
    """
    if settings.oidc_bestand is None:
        if keys.oidc_client_secrets:
            raise SettingsError("the key material holds oidc_client_secrets but DEELPOORT_OIDC_BESTAND is not set")
        return None
    try:
        inrichting = lees_oidc_bestand(
            settings.oidc_bestand, {p.id for p in convenant.partners}, production=settings.is_production
        )
        bron = f"DEELPOORT_OIDC_BESTAND ({settings.oidc_bestand})"
        controleer_geheimen(inrichting, keys.oidc_client_secrets, production=settings.is_production, bron=bron)
    except OidcInrichtingError as exc:
        raise SettingsError(str(exc)) from None
    return OidcDienst(inrichting, HttpIdentiteitsprovider(https_vereist=settings.is_production))


def build_getuigen(settings: Settings) -> GetuigenDienst | None:
    """The log's witnesses, when `DEELPOORT_GETUIGEN_BESTAND` names them.

    Raises:
        SettingsError: the set-up file is invalid.
    """
    if settings.getuigen_bestand is None:
        return None
    try:
        inrichting = lees_getuigen_bestand(settings.getuigen_bestand, production=settings.is_production)
    except GetuigenInrichtingError as exc:
        raise SettingsError(str(exc)) from None
    return GetuigenDienst(inrichting, HttpGetuigen())


def _onleesbaar(exc: SQLAlchemyError) -> NietBeschikbaarError:
    """Why the convenant in force could not be read: a database fault (503 with Retry-After, the pages' Dutch
    503 page), or anything else (not migrated, a damaged row): no convenant, nothing is shared."""
    return als_storing(exc) or GeenConvenantError("the convenant in force cannot be read: nothing is shared")


def build_services(settings: Settings, meter: Meter | None = None) -> Services:
    """Load the convenant registry and key material; create the database engine (it connects lazily). `meter`
    counts what the services do (default: nothing; `create_app` hands in `prometheus_meter()`).

    Raises:
        ConvenantError: when the convenant files are invalid.
        SettingsError: when the key material is missing or unacceptable.
    """
    seed_documenten = lees_map(settings.convenanten_dir)
    seed = laad(seed_documenten)
    meter = meter or GeenMeter()
    keys = CasusKeys(lambda: load_keys(settings), waarnemer=meter.dek)
    engine = make_engine(settings.database_url)

    def lees_actief() -> str | None:
        try:
            with engine.connect() as connection:
                return convenant_store.active_version(connection)
        except SQLAlchemyError as exc:
            raise _onleesbaar(exc) from exc

    def laad_documenten(versie: str) -> dict[str, str] | None:
        try:
            with engine.connect() as connection:
                return convenant_store.load(connection, versie)
        except SQLAlchemyError as exc:
            raise _onleesbaar(exc) from exc

    journaal = (
        Vernietigingsjournaal(JournaalBestand(settings.vernietigingsjournaal))
        if settings.vernietigingsjournaal is not None
        else None
    )
    log = VerstrekkingLog(
        LogDatabase(engine),
        lambda: keys.material.signer,
        CheckpointBeleid(settings.log_origin, settings.checkpoint_records, settings.checkpoint_seconds),
        meter=meter,
        na_checkpoint=journaal.na_checkpoint if journaal is not None else None,
    )
    routeeroverleg = RouteerInstellingen(
        settings.routeeroverleg_venster_dagen, settings.routeeroverleg_bewaartermijn_weken
    )
    return Services(
        convenanten=ConvenantBron(seed, seed_documenten, lees_actief, laad_documenten),
        engine=engine,
        keys=keys,
        log=log,
        production=settings.is_production,
        routeeroverleg=routeeroverleg,
        levensduur=Levensduur(
            persoon=dt.timedelta(hours=settings.token_uren_persoon),
            systeem=dt.timedelta(days=settings.token_dagen_systeem),
            overlap=dt.timedelta(hours=settings.token_overlap_uren),
        ),
        oidc=build_oidc(settings, seed, keys.material),
        getuigen=build_getuigen(settings),
        meter=meter,
        journaal=journaal,
    )


def prometheus_meter() -> Meter:
    """The meter of a serving app: Prometheus metrics, shared by a server's workers when `deelpoort serve` named
    a folder for them (`service.adapters.metingen`)."""
    from service.adapters.metingen import PrometheusMeter

    return PrometheusMeter()
