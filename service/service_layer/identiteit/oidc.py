"""Logging a person in to the pages through their organisation's OpenID Provider: the authorization code flow
with PKCE (S256), one provider per partner (`oidc_inrichting`).

Invariants:
- `begin` makes a fresh login attempt: 256-bit random `state` and `nonce`, a PKCE verifier of 64 random
  characters; only SHA-256(state) is stored, with the partner, verifier, nonce and where to go afterwards. That
  target is kept only when it is a local path (`lokaal_pad`); anything else becomes the start page.
- `voltooi` takes the attempt once (read and deleted in one transaction): a replayed, unknown or foreign state
  is refused, and so is an attempt older than `POGING_DUUR`. Expired attempts are deleted by every `begin`.
- The code is exchanged at the token endpoint of the partner the attempt was begun for, with the attempt's
  verifier, and the id token is verified against that provider's keys: signature, `iss` exactly the configured
  issuer, `aud` the client id, `exp`/`iat`, `nonce` (`crypto.verifieer_id_token`). A callback `iss` parameter
  (RFC 9207), when present, must be that issuer too.
- A session opens only for the registered gebruiker with exactly that issuer and subject
  (`uow.gebruikers.with_oidc`), who belongs to that same partner, is a person, is actief, and whose partner is
  active. Nothing else identifies anyone: no self-registration, no matching by e-mail or name.
- Refusals raise an `InloggenMisluktError` subclass; the reason (never the subject or a token) goes to the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import structlog

from service.adapters.identiteitsprovider import ProviderGegevens, ProviderOnbereikbaarError, ProviderWeigertError
from service.adapters.oidc_inlogpogingen import Inlogpoging
from service.crypto.id_token import IdTokenError, OnbekendeSleutelError, verifieer_id_token
from service.domain.casus import Gebruiker, utcnow
from service.domain.identiteit import GebruikerStatus, OidcIdentiteit, SoortGebruiker
from service.service_layer.identiteit.oidc_inrichting import OidcDienst, OidcPartner
from service.service_layer.identiteit.websessies import ActieveSessie, open_sessie
from service.service_layer.services import Services

POGING_DUUR = dt.timedelta(minutes=10)
MAX_PARAMETER = 2048  # state and code from the callback URL; longer is not ours
MAX_VOLGENDE = 300  # oidc_inlogpogingen.volgende

log = structlog.get_logger("deelpoort.inloggen")


class InloggenMisluktError(Exception):
    """Logging in through OpenID Connect did not succeed; the subclass says which kind of refusal."""


class GeenOidcError(InloggenMisluktError):
    """The partner has no identity provider set up (or is not a partner)."""


class PogingOngeldigError(InloggenMisluktError):
    """The callback's state is unknown, used already, expired, or the provider returned an error instead."""


class ProviderFoutError(InloggenMisluktError):
    """The provider refused the code exchange, or its id token did not verify."""


class ProviderNietBereikbaarError(InloggenMisluktError):
    """The provider cannot be reached or answered something unusable (see the service's log)."""


class NietGeregistreerdError(InloggenMisluktError):
    """The verified identity is not an active gebruiker of this partner (unknown, other partner, suspended)."""


@dataclass(frozen=True, slots=True)
class Aanbieder:
    """A partner whose people can log in through their own provider (a button on the login page)."""

    partner_id: str
    naam: str


@dataclass(frozen=True, slots=True)
class Begonnen:
    """A login attempt: send the browser to `url`; bind `state` to it (a cookie) to check on its return."""

    url: str
    state: str


@dataclass(frozen=True, slots=True)
class Ingelogd:
    sessie: ActieveSessie
    volgende: str  # a local path, or "" (the gebruiker's start page)


def aanbieders(services: Services) -> list[Aanbieder]:
    """The partners set up for OpenID Connect that the convenant in force knows, by name."""
    if services.oidc is None:
        return []
    convenant = services.convenant
    found = []
    for partner_id in services.oidc.inrichting.partners:
        partner = convenant.partner(partner_id)
        if partner is not None:
            found.append(Aanbieder(partner_id, partner.naam))
    return sorted(found, key=lambda a: a.naam)


def terugkeer_url(services: Services, afgeleid: str) -> str:
    """The redirect URI registered at the providers: the configured one, else `afgeleid` (from the request)."""
    configured = services.oidc.inrichting.redirect_uri if services.oidc is not None else None
    return configured or afgeleid


def lokaal_pad(target: str | None) -> str:
    """`target` when it is a local path (no scheme, no host, no `//` or backslash, no control characters, not
    too long), else "": a login never redirects anywhere else (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    if len(target) > MAX_VOLGENDE or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return ""
    return target


def begin(
    services: Services, partner_id: str, volgende: str | None, *, redirect_uri: str, now: dt.datetime | None = None
) -> Begonnen:
    """Begin a login at `partner_id`'s provider; returns where to send the browser.

    Raises:
        GeenOidcError: the partner has no provider set up, or is not in the convenant in force.
        ProviderNietBereikbaarError: the provider's discovery document cannot be had or is not acceptable.
    """
    now = now or utcnow()
    dienst, partner = _partner(services, partner_id)
    try:
        gegevens = dienst.provider.gegevens(partner.issuer)
    except ProviderOnbereikbaarError as error:
        log.warning("oidc_begin_mislukt", partner=partner_id, reden=str(error))
        raise ProviderNietBereikbaarError(partner_id) from None
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48)  # 64 characters of [A-Za-z0-9_-] (RFC 7636: 43 to 128)
    with services.uow() as uow:
        uow.oidc_inlogpogingen.verwijder_verlopen(now - POGING_DUUR)
        uow.oidc_inlogpogingen.add(Inlogpoging(_hash(state), partner_id, verifier, nonce, lokaal_pad(volgende), now))
        uow.commit()
    url = dienst.provider.autorisatie_url(
        gegevens,
        client_id=partner.client_id,
        redirect_uri=redirect_uri,
        state=state,
        nonce=nonce,
        code_verifier=verifier,
    )
    return Begonnen(url, state)


def voltooi(
    services: Services,
    *,
    state: str,
    code: str | None,
    iss: str | None,
    fout: str | None = None,
    redirect_uri: str,
    now: dt.datetime | None = None,
) -> Ingelogd:
    """Complete the login the provider sent back (`state`, `code`, `iss`; or `fout`, the provider's error code):
    take the attempt, exchange the code, verify the id token, find the gebruiker, open a session.

    Raises:
        PogingOngeldigError: no such attempt (unknown, used, expired), or the provider returned an error.
        GeenOidcError: the attempt's partner is no longer set up.
        ProviderNietBereikbaarError: the provider cannot be reached.
        ProviderFoutError: the provider refused the code (e.g. a wrong PKCE verifier), a wrong `iss`, or the id
            token does not verify.
        NietGeregistreerdError: no active gebruiker of this partner has the verified identity.
    """
    now = now or utcnow()
    if not state or len(state) > MAX_PARAMETER:
        raise PogingOngeldigError("no state")
    with services.uow() as uow:
        poging = uow.oidc_inlogpogingen.neem(_hash(state))
        uow.commit()
    if poging is None or now - poging.aangemaakt_op > POGING_DUUR or poging.aangemaakt_op > now + POGING_DUUR:
        log.warning("oidc_geweigerd", reden="unknown, used or expired state")
        raise PogingOngeldigError("state")
    dienst, partner = _partner(services, poging.partner_id)
    if fout is not None or not code or len(code) > MAX_PARAMETER:
        log.warning("oidc_geweigerd", partner=partner.partner_id, reden="the provider returned no code")
        raise PogingOngeldigError("no code")
    if iss is not None and iss != partner.issuer:
        log.warning("oidc_geweigerd", partner=partner.partner_id, reden="callback iss is not the configured issuer")
        raise ProviderFoutError("iss")
    identiteit = _verifieer(services, dienst, partner, poging, code=code, redirect_uri=redirect_uri, now=now)
    gebruiker = _gebruiker(services, partner.partner_id, identiteit)
    sessie = open_sessie(services, gebruiker, token_id=None, now=now)
    log.info("oidc_ingelogd", partner=partner.partner_id, gebruiker=gebruiker.id)
    return Ingelogd(sessie, poging.volgende)


def _partner(services: Services, partner_id: str) -> tuple[OidcDienst, OidcPartner]:
    dienst = services.oidc
    partner = dienst.inrichting.partners.get(partner_id) if dienst is not None else None
    if dienst is None or partner is None or services.convenant.partner(partner_id) is None:
        raise GeenOidcError(partner_id)
    return dienst, partner


def _verifieer(
    services: Services,
    dienst: OidcDienst,
    partner: OidcPartner,
    poging: Inlogpoging,
    *,
    code: str,
    redirect_uri: str,
    now: dt.datetime,
) -> OidcIdentiteit:
    """Exchange the code and verify the id token; the verified (issuer, subject)."""
    secret = services.keys.material.oidc_client_secrets.get(partner.partner_id)
    try:
        gegevens = dienst.provider.gegevens(partner.issuer)
        id_token = dienst.provider.wissel_code(
            gegevens,
            client_id=partner.client_id,
            client_secret=secret,
            redirect_uri=redirect_uri,
            code=code,
            code_verifier=poging.code_verifier,
        )
        identiteit = _claims(dienst, gegevens, partner, poging, id_token, now)
    except ProviderOnbereikbaarError as error:
        log.warning("oidc_geweigerd", partner=partner.partner_id, reden=str(error))
        raise ProviderNietBereikbaarError(partner.partner_id) from None
    except (ProviderWeigertError, IdTokenError) as error:
        log.warning("oidc_geweigerd", partner=partner.partner_id, reden=str(error))
        raise ProviderFoutError(type(error).__name__) from None
    return identiteit


def _claims(
    dienst: OidcDienst,
    gegevens: ProviderGegevens,
    partner: OidcPartner,
    poging: Inlogpoging,
    id_token: str,
    now: dt.datetime,
) -> OidcIdentiteit:
    """The verified id token's issuer and subject; the provider's keys are fetched again once for an unknown
    key id (the provider rotated its keys)."""
    for vernieuw in (False, True):
        try:
            claims = verifieer_id_token(
                id_token,
                dienst.provider.sleutels(gegevens, vernieuw=vernieuw),
                issuer=partner.issuer,
                client_id=partner.client_id,
                nonce=poging.nonce,
                now=int(now.timestamp()),
            )
        except OnbekendeSleutelError:
            if vernieuw:
                raise
            continue
        return OidcIdentiteit(claims.issuer, claims.subject)
    raise AssertionError("unreachable")  # pragma: no cover


def _gebruiker(services: Services, partner_id: str, identiteit: OidcIdentiteit) -> Gebruiker:
    """The active person of `partner_id` registered with `identiteit`.

    Raises:
        NietGeregistreerdError: none (unknown identity, another partner's, not a person, not actief, partner
            suspended); the log tells which, never the subject.
    """
    with services.uow() as uow:
        gegevens = uow.gebruikers.with_oidc(identiteit)
        reden = None
        if gegevens is None:
            reden = "identity not registered"
        elif gegevens.partner_id != partner_id:
            reden = "identity registered for another partner"
        elif gegevens.soort is not SoortGebruiker.PERSOON:
            reden = "not a person"
        elif gegevens.status is not GebruikerStatus.ACTIEF:
            reden = f"gebruiker {gegevens.status.value}"
        elif not uow.gebruikers.partner_actief(partner_id):
            reden = "partner not active"
    if reden is not None or gegevens is None:
        log.warning("oidc_geweigerd", partner=partner_id, reden=reden)
        raise NietGeregistreerdError(partner_id)
    return Gebruiker(gegevens.id, gegevens.partner_id, gegevens.rol, gegevens.naam, True, gegevens.soort.value)


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()
