"""The OpenID Connect login use cases (`service_layer.identiteit.oidc`) on the real database (SQLite, and
PostgreSQL when configured), with a provider of our own making: it signs id tokens with its own key, so every
claim can be made wrong on purpose. The real provider and browser are in test_browser.py.

The fake takes the authorization code as the subject of the id token it issues, and refuses a code exchange
whose verifier is not the one whose challenge it saw (as a provider that requires PKCE does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import text

from service import create_app
from service.adapters.identiteitsprovider import ProviderGegevens, ProviderOnbereikbaarError, ProviderWeigertError
from service.domain.casus import utcnow
from service.domain.identiteit import GebruikerStatus, OidcIdentiteit, SoortGebruiker
from service.service_layer.identiteit import oidc
from service.service_layer.identiteit.oidc_inrichting import OidcDienst, OidcInrichting, OidcPartner
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.oidc import add_persoon

ISSUER = "https://op.example"
CLIENT = "deelpoort"
BUREAU = "bureau-zvh-drenthe"
POLITIE = "politie-noord-nederland"
TERUG = "https://deelpoort.example/inloggen/oidc/terugkeer"


@pytest.fixture(scope="session")
def sleutel() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "nep-1", "use": "sig", "alg": "RS256"})


class NepProvider:
    """A provider that does what it is told: `claims` overrides what its next id token says."""

    def __init__(self, sleutel: RSAKey) -> None:
        self.sleutel = sleutel
        self.claims: dict[str, Any] = {}
        self.challenges: dict[str, str] = {}  # state -> verifier it was begun with
        self.nonces: dict[str, str] = {}

    def gegevens(self, issuer: str) -> ProviderGegevens:
        if issuer != ISSUER:
            raise ProviderOnbereikbaarError("discovery: the provider's issuer differs from the configured issuer")
        return ProviderGegevens(ISSUER, f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/jwks")

    def autorisatie_url(
        self,
        gegevens: ProviderGegevens,
        *,
        client_id: str,
        redirect_uri: str,
        state: str,
        nonce: str,
        code_verifier: str,
    ) -> str:
        self.challenges[state] = code_verifier
        self.nonces[state] = nonce
        return f"{gegevens.authorization_endpoint}?client_id={client_id}&state={state}"

    def wissel_code(
        self,
        gegevens: ProviderGegevens,
        *,
        client_id: str,
        client_secret: str | None,
        redirect_uri: str,
        code: str,
        code_verifier: str,
    ) -> str:
        state = next((s for s, v in self.challenges.items() if v == code_verifier), None)
        if state is None:
            raise ProviderWeigertError("token endpoint: invalid_grant")
        now = int(utcnow().timestamp())
        claims = {"iss": ISSUER, "aud": client_id, "sub": code, "nonce": self.nonces[state], "iat": now}
        claims["exp"] = now + 300
        claims.update(self.claims)
        return jwt.encode({"alg": "RS256", "kid": self.sleutel.kid}, claims, self.sleutel)

    def sleutels(self, gegevens: ProviderGegevens, *, vernieuw: bool = False) -> Mapping[str, Any]:
        return KeySet([self.sleutel]).as_dict(private=False)


@pytest.fixture
def provider(sleutel: RSAKey) -> NepProvider:
    return NepProvider(sleutel)


@pytest.fixture
def nep_services(settings: Settings, seeded_database: None, provider: NepProvider) -> Iterator[Services]:
    """The service on a seeded database, with two partners set up at the fake provider."""
    app = create_app(settings)
    inrichting = OidcInrichting(
        {
            BUREAU: OidcPartner(BUREAU, ISSUER, CLIENT),
            POLITIE: OidcPartner(POLITIE, ISSUER, "politie-client"),
        },
        TERUG,
    )
    services: Services = app.extensions["deelpoort"]
    yield dataclasses.replace(services, oidc=OidcDienst(inrichting, provider))
    services.engine.dispose()


def _state(begonnen: oidc.Begonnen) -> str:
    return dict(parse_qsl(urlsplit(begonnen.url).query))["state"]


def _login(services: Services, subject: str, *, partner: str = BUREAU, **extra: Any) -> oidc.Ingelogd:
    begonnen = oidc.begin(services, partner, None, redirect_uri=TERUG)
    return oidc.voltooi(services, state=_state(begonnen), code=subject, iss=ISSUER, redirect_uri=TERUG, **extra)


def _sessies(services: Services) -> int:
    with services.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM websessies")).scalar_one())


def _pogingen(services: Services) -> int:
    with services.uow() as uow:
        return uow.oidc_inlogpogingen.aantal()


def test_a_registered_active_person_of_the_partner_gets_a_session(nep_services: Services) -> None:
    ident = add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    ingelogd = _login(nep_services, "anna")
    assert ingelogd.sessie.gebruiker.id == ident
    assert ingelogd.volgende == ""
    assert _sessies(nep_services) == 1 and _pogingen(nep_services) == 0


def test_begin_stores_only_the_hash_of_state_with_a_fresh_verifier_and_nonce(
    nep_services: Services, provider: NepProvider
) -> None:
    first = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    second = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    with nep_services.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, code_verifier, nonce FROM oidc_inlogpogingen")).all()
    states = {_state(first), _state(second)}
    assert len(rows) == 2 and not states & {r.id for r in rows}
    assert len({r.code_verifier for r in rows}) == 2 and all(len(r.code_verifier) >= 43 for r in rows)
    assert len({r.nonce for r in rows}) == 2
    assert first.state == _state(first)


def test_the_state_is_single_use(nep_services: Services, provider: NepProvider) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    begonnen = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    state = _state(begonnen)
    oidc.voltooi(nep_services, state=state, code="anna", iss=ISSUER, redirect_uri=TERUG)
    with pytest.raises(oidc.PogingOngeldigError):
        oidc.voltooi(nep_services, state=state, code="anna", iss=ISSUER, redirect_uri=TERUG)
    assert _sessies(nep_services) == 1


def test_an_attempt_older_than_ten_minutes_is_refused_and_cleaned_up(nep_services: Services) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    begun = utcnow() - dt.timedelta(minutes=11)
    stale = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG, now=begun)
    oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG, now=begun)
    with pytest.raises(oidc.PogingOngeldigError):
        oidc.voltooi(nep_services, state=_state(stale), code="anna", iss=ISSUER, redirect_uri=TERUG)
    assert _pogingen(nep_services) == 1  # the other stale one, until the next begin
    oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    assert _pogingen(nep_services) == 1  # only the new one
    assert _sessies(nep_services) == 0


def test_within_ten_minutes_the_attempt_still_works(nep_services: Services) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    begun = utcnow() - dt.timedelta(minutes=9)
    begonnen = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG, now=begun)
    oidc.voltooi(nep_services, state=_state(begonnen), code="anna", iss=ISSUER, redirect_uri=TERUG)
    assert _sessies(nep_services) == 1


@pytest.mark.parametrize(
    ("volgende", "bewaard"),
    [
        ("/fg/verstrekkingen?uitkomst=geweigerd", "/fg/verstrekkingen?uitkomst=geweigerd"),
        ("https://evil.example/fg", ""),
        ("//evil.example/fg", ""),
        ("/\\evil.example", ""),
        ("fg/", ""),
        ("/fg/\r\nSet-Cookie: x=y", ""),
        ("/" + "a" * 400, ""),
        (None, ""),
    ],
    ids=["local-path", "absolute-url", "scheme-relative", "backslash", "relative", "control-chars", "too-long", "none"],
)
def test_only_a_local_path_is_kept_as_where_to_go_next(
    nep_services: Services, volgende: str | None, bewaard: str
) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    begonnen = oidc.begin(nep_services, BUREAU, volgende, redirect_uri=TERUG)
    ingelogd = oidc.voltooi(nep_services, state=_state(begonnen), code="anna", iss=ISSUER, redirect_uri=TERUG)
    assert ingelogd.volgende == bewaard


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://op.example/"},
        {"iss": "https://other.example"},
        {"aud": "another-client"},
        {"aud": [CLIENT, "another-client"]},
        {"nonce": "not-the-attempts"},
        {"exp": int(utcnow().timestamp()) - 3600},
        {"iat": int(utcnow().timestamp()) + 3600},
    ],
    ids=[
        "issuer-trailing-slash",
        "other-issuer",
        "other-audience",
        "two-audiences-no-azp",
        "nonce",
        "expired",
        "iat-future",
    ],
)
def test_an_id_token_that_does_not_verify_opens_no_session(
    nep_services: Services, provider: NepProvider, claims: dict[str, Any]
) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    provider.claims = claims
    with pytest.raises(oidc.ProviderFoutError):
        _login(nep_services, "anna")
    assert _sessies(nep_services) == 0


def test_an_id_token_signed_by_another_key_opens_no_session(nep_services: Services, provider: NepProvider) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    provider.sleutel, echte = RSAKey.generate_key(2048, parameters={"kid": "nep-1"}), provider.sleutel
    provider.sleutels = lambda gegevens, vernieuw=False: KeySet([echte]).as_dict(private=False)  # type: ignore[method-assign]
    with pytest.raises(oidc.ProviderFoutError):
        _login(nep_services, "anna")
    assert _sessies(nep_services) == 0


def test_a_callback_naming_another_issuer_is_refused(nep_services: Services) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    begonnen = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    with pytest.raises(oidc.ProviderFoutError):
        oidc.voltooi(nep_services, state=_state(begonnen), code="anna", iss="https://evil.example", redirect_uri=TERUG)
    assert _sessies(nep_services) == 0 and _pogingen(nep_services) == 0


def test_a_provider_error_instead_of_a_code_opens_no_session_and_uses_up_the_attempt(nep_services: Services) -> None:
    begonnen = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    with pytest.raises(oidc.PogingOngeldigError):
        oidc.voltooi(
            nep_services, state=_state(begonnen), code=None, iss=ISSUER, fout="access_denied", redirect_uri=TERUG
        )
    assert _pogingen(nep_services) == 0


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(nep_services: Services) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    begonnen = oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    with nep_services.engine.begin() as connection:
        connection.execute(text("UPDATE oidc_inlogpogingen SET code_verifier = :v"), {"v": "y" * 64})
    with pytest.raises(oidc.ProviderFoutError):
        oidc.voltooi(nep_services, state=_state(begonnen), code="anna", iss=ISSUER, redirect_uri=TERUG)
    assert _sessies(nep_services) == 0


@pytest.mark.parametrize(
    ("partner", "rol", "status", "soort", "login_via"),
    [
        (POLITIE, "beheerder", GebruikerStatus.ACTIEF, SoortGebruiker.PERSOON, BUREAU),
        (BUREAU, "fg", GebruikerStatus.GESCHORST, SoortGebruiker.PERSOON, BUREAU),
        (BUREAU, "fg", GebruikerStatus.VERWIJDERD, SoortGebruiker.PERSOON, BUREAU),
        (BUREAU, "fg", GebruikerStatus.VOORGESTELD, SoortGebruiker.PERSOON, BUREAU),
        (BUREAU, "casusregisseur", GebruikerStatus.ACTIEF, SoortGebruiker.SYSTEEM, BUREAU),
    ],
    ids=["another-partner", "suspended", "removed", "awaiting-approval", "a-system"],
)
def test_only_an_active_person_of_the_partner_whose_provider_was_used_gets_in(
    nep_services: Services, partner: str, rol: str, status: GebruikerStatus, soort: SoortGebruiker, login_via: str
) -> None:
    add_persoon(nep_services, partner, rol, OidcIdentiteit(ISSUER, "anna"), status=status, soort=soort)
    with pytest.raises(oidc.NietGeregistreerdError):
        _login(nep_services, "anna", partner=login_via)
    assert _sessies(nep_services) == 0


def test_an_unknown_subject_or_the_same_subject_at_another_issuer_gets_no_session(nep_services: Services) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit("https://other-op.example", "anna"))
    for subject in ("anna", "bert"):
        with pytest.raises(oidc.NietGeregistreerdError):
            _login(nep_services, subject)
    assert _sessies(nep_services) == 0


def test_a_suspended_partner_gets_no_session(nep_services: Services) -> None:
    add_persoon(nep_services, BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    with nep_services.engine.begin() as connection:
        connection.execute(text("UPDATE partners SET actief = :f WHERE id = :p"), {"f": False, "p": BUREAU})
    with pytest.raises(oidc.NietGeregistreerdError):
        _login(nep_services, "anna")


def test_a_partner_without_a_provider_cannot_begin(nep_services: Services) -> None:
    for partner in ("ggz-drenthe", "not-a-partner", ""):
        with pytest.raises(oidc.GeenOidcError):
            oidc.begin(nep_services, partner, None, redirect_uri=TERUG)
    assert _pogingen(nep_services) == 0


def test_an_unreachable_provider_is_its_own_refusal(nep_services: Services, provider: NepProvider) -> None:
    def onbereikbaar(issuer: str) -> ProviderGegevens:
        raise ProviderOnbereikbaarError("discovery: no answer")

    provider.gegevens = onbereikbaar  # type: ignore[method-assign]
    with pytest.raises(oidc.ProviderNietBereikbaarError):
        oidc.begin(nep_services, BUREAU, None, redirect_uri=TERUG)
    assert _pogingen(nep_services) == 0


def test_the_login_page_lists_the_partners_set_up_by_name(nep_services: Services) -> None:
    assert oidc.aanbieders(nep_services) == [
        oidc.Aanbieder(BUREAU, "Bureau Zorg- en Veiligheidshuis Drenthe"),
        oidc.Aanbieder(POLITIE, "Politie eenheid Noord-Nederland"),
    ]


def test_without_a_set_up_nobody_is_offered(settings: Settings, seeded_database: None, tmp_path: Path) -> None:
    app = create_app(settings)
    services: Services = app.extensions["deelpoort"]
    try:
        assert services.oidc is None and oidc.aanbieders(services) == []
        with pytest.raises(oidc.GeenOidcError):
            oidc.begin(services, BUREAU, None, redirect_uri=TERUG)
    finally:
        services.engine.dispose()
