"""The OpenID Connect set-up: per partner, the identity provider (issuer) its people log in with and Deelpoort's
client id there; read from the YAML file `DEELPOORT_OIDC_BESTAND` names (format: `docs/oidc.md`).

Invariants:
- The file is read and validated once, at start; every problem is reported with the file and the entry it is
  about ("oidc.yaml: partners.ggz-drenthe.issuer: ..."), and the service does not start with a bad file.
- Every partner named is a partner of the convenant; a partner appears once (duplicate keys are refused, not
  silently overwritten); unknown entries are refused (a misspelt setting must not be ignored).
- An issuer is an absolute http(s) URL without query or fragment, compared later character for character with
  the provider's discovery document and id tokens; in production it must be https, and so must `redirect_uri`,
  which production requires (behind a proxy, the request's own address is not to be trusted).
- Client secrets are not in this file: they live in the key material (`oidc_client_secrets`), and
  `controleer_geheimen` refuses a secret for a partner that is not set up here (a misspelt partner id), and in
  production a set-up partner without one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from service.adapters.identiteitsprovider import ProviderGegevens
from service.service_layer import strikte_yaml

MAX_URL = 300  # gebruikers.oidc_issuer holds at most 300 characters
MAX_CLIENT_ID = 255


class OidcInrichtingError(ValueError):
    """The OpenID Connect set-up is invalid; the message names the file and the entry (never a secret)."""


@dataclass(frozen=True, slots=True)
class OidcPartner:
    """One partner's identity provider and Deelpoort's client id there."""

    partner_id: str
    issuer: str
    client_id: str


@dataclass(frozen=True, slots=True)
class OidcInrichting:
    """The validated set-up: partners by id, and the redirect URI registered at every provider (None: derived
    from the request, development only)."""

    partners: Mapping[str, OidcPartner] = field(default_factory=dict)
    redirect_uri: str | None = None


def lees_oidc_bestand(path: Path, partner_ids: Collection[str], *, production: bool) -> OidcInrichting:
    """Read and validate the set-up file `path` against the convenant's `partner_ids`.

    Raises:
        OidcInrichtingError: the file cannot be read, is not YAML, or an entry is missing, unknown or invalid.
    """
    try:
        document = strikte_yaml.lees(path)
    except strikte_yaml.YamlBestandError as error:
        raise OidcInrichtingError(str(error)) from None
    return parse_oidc_inrichting(document, partner_ids, production=production, bron=str(path))


def parse_oidc_inrichting(
    document: object, partner_ids: Collection[str], *, production: bool, bron: str = "OpenID Connect set-up"
) -> OidcInrichting:
    """Validate a decoded set-up document (see `lees_oidc_bestand`).

    Raises:
        OidcInrichtingError: an entry is missing, unknown or invalid; the message starts with `bron`.
    """

    def fout(where: str, message: str) -> OidcInrichtingError:
        return OidcInrichtingError(f"{bron}: {where}: {message}")

    top = _mapping(document, fout, "the file")
    _no_unknown(top, {"redirect_uri", "partners"}, fout, "the file")
    redirect_uri = top.get("redirect_uri")
    if redirect_uri is not None:
        _url(redirect_uri, "redirect_uri", production=production, fout=fout)
        if urlsplit(str(redirect_uri)).path.rstrip("/") == "":
            raise fout("redirect_uri", "must name the path of the callback, /inloggen/oidc/terugkeer")
    elif production:
        raise fout("redirect_uri", "required in production (https://<your host>/inloggen/oidc/terugkeer)")
    section = _mapping(top.get("partners"), fout, "partners")
    partners: dict[str, OidcPartner] = {}
    for partner_id, entry in section.items():
        where = f"partners.{partner_id}"
        if partner_id not in partner_ids:
            raise fout(where, "not a partner of the convenant")
        values = _mapping(entry, fout, where)
        _no_unknown(values, {"issuer", "client_id"}, fout, where)
        issuer = _url(values.get("issuer"), f"{where}.issuer", production=production, fout=fout)
        client_id = values.get("client_id")
        if not isinstance(client_id, str) or not client_id.strip() or len(client_id) > MAX_CLIENT_ID:
            raise fout(f"{where}.client_id", f"required, a string of at most {MAX_CLIENT_ID} characters")
        partners[partner_id] = OidcPartner(partner_id, issuer, client_id)
    return OidcInrichting(partners, None if redirect_uri is None else str(redirect_uri))


def controleer_geheimen(
    inrichting: OidcInrichting, geheimen: Collection[str], *, production: bool, bron: str = "OpenID Connect set-up"
) -> None:
    """Check the partners holding a client secret in the key material against the set-up.

    Raises:
        OidcInrichtingError: a secret for a partner that is not set up, or (production) a set-up partner without
            a secret; names the partner, never the secret.
    """
    onbekend = sorted(set(geheimen) - set(inrichting.partners))
    if onbekend:
        raise OidcInrichtingError(f"key material: oidc_client_secrets.{onbekend[0]}: partner is not set up in {bron}")
    zonder = sorted(set(inrichting.partners) - set(geheimen))
    if production and zonder:
        raise OidcInrichtingError(
            f"{bron}: partners.{zonder[0]}: production needs its client secret in the key material "
            f"(oidc_client_secrets.{zonder[0]})"
        )


def _url(value: object, where: str, *, production: bool, fout: Callable[[str, str], OidcInrichtingError]) -> str:
    probleem = strikte_yaml.url_probleem(value, production=production, max_lengte=MAX_URL)
    if probleem is not None:
        raise fout(where, probleem)
    return str(value)


def _mapping(value: object, fout: Callable[[str, str], OidcInrichtingError], where: str) -> Mapping[str, Any]:
    if value is None:
        raise fout(where, "missing")
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise fout(where, "must be a mapping with text keys")
    return value


def _no_unknown(
    value: Mapping[str, Any], known: set[str], fout: Callable[[str, str], OidcInrichtingError], where: str
) -> None:
    unknown = sorted(set(value) - known)
    if unknown:
        raise fout(where, f"unknown entry {unknown[0]!r} (known: {', '.join(sorted(known))})")


class Identiteitsprovider(Protocol):
    """The partners' OpenID Providers as the use cases see them (`adapters.identiteitsprovider` over HTTP; a
    fake in tests). Raises `ProviderOnbereikbaarError` or `ProviderWeigertError` (see the adapter)."""

    def gegevens(self, issuer: str) -> ProviderGegevens: ...

    def autorisatie_url(
        self,
        gegevens: ProviderGegevens,
        *,
        client_id: str,
        redirect_uri: str,
        state: str,
        nonce: str,
        code_verifier: str,
    ) -> str: ...

    def wissel_code(
        self,
        gegevens: ProviderGegevens,
        *,
        client_id: str,
        client_secret: str | None,
        redirect_uri: str,
        code: str,
        code_verifier: str,
    ) -> str: ...

    def sleutels(self, gegevens: ProviderGegevens, *, vernieuw: bool = False) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class OidcDienst:
    """What the composition root hands the login use cases (`Services.oidc`): the set-up and the providers."""

    inrichting: OidcInrichting
    provider: Identiteitsprovider
