"""The API with client certificate headers, in process (Flask's test client sets the TCP peer as REMOTE_ADDR):
which peers are believed, what each kind of certificate gets, what the log record and the FG see.

The same behaviour through a real nginx and gunicorn is in `test_nginx.py`; here every case runs on SQLite and
PostgreSQL and without processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from structlog.testing import capture_logs
from werkzeug.datastructures import WWWAuthenticate

from service.adapters.beveiligingssignalen import uur_van
from service.audit.record import parse
from service.convenant import parse_convenant_text
from service.domain.casus import Gebruiker
from service.domain.certificaat import Aanbieding, Certificaatweigering, MtlsModus
from service.service_layer.identiteit.certificaten import (
    ONVERTROUWDE_KOP,
    aanbieding,
    controleer_certificaat,
)
from service.service_layer.services import Services
from service.settings import Settings
from tests.foundation.test_convenant_loader import GOOD
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import TokenFor
from tests.helpers.pki import DAG, Pki, Sleutelpaar, vreemde_client

BUREAU_OIN = "00000099000000000101"
POLITIE_OIN = "00000099000000000116"
PROXY = "127.0.0.1"  # Flask's test client's default REMOTE_ADDR
ANDER = "192.0.2.10"  # TEST-NET-1: any peer that is not the proxy
W = Certificaatweigering


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def bureau_cert(pki: Pki) -> Sleutelpaar:
    return pki.client("bureau", BUREAU_OIN, organisatie="Bureau Zorg- en Veiligheidshuis Drenthe")


@pytest.fixture(scope="module")
def politie_cert(pki: Pki) -> Sleutelpaar:
    return pki.client("politie", POLITIE_OIN)


def _modus(app: Flask, modus: MtlsModus) -> None:
    settings: Settings = app.extensions["deelpoort.settings"]
    app.extensions["deelpoort.settings"] = dataclasses.replace(
        settings, mtls=modus, vertrouwde_proxies=(ipaddress.ip_network(PROXY),)
    )


@pytest.fixture
def verplicht(app: Flask, request: pytest.FixtureRequest) -> None:
    """mTLS `verplicht` behind the proxy at 127.0.0.1; the test's casus (if any) is referred before it."""
    if "casus" in request.fixturenames:
        request.getfixturevalue("casus")
    _modus(app, MtlsModus.VERPLICHT)


def _koppen(certificaat: Sleutelpaar | None, verificatie: str = "SUCCESS") -> dict[str, str]:
    koppen = {"X-SSL-Client-Verify": verificatie}
    if certificaat is not None:
        koppen["X-SSL-Client-Cert"] = certificaat.kop
    return koppen


def _vraag(client: FlaskClient, token: str, casus_id: str, koppen: dict[str, str], peer: str = PROXY) -> Any:
    return client.post(
        f"/v1/casussen/{casus_id}/verstrekkingen",
        json={"doel": "triage"},
        headers={**bearer(token), **koppen},
        environ_base={"REMOTE_ADDR": peer},
    )


def _records(services: Services) -> list[dict[str, Any]]:
    """The verstrekkingen in the log (the casus fixture's aanmelding and bijdrage are aanleveringen)."""
    with services.uow() as uow:
        return [record for r in uow.log.records() if (record := parse(r.record))["soort"] == "verstrekking"]


def _signalen(services: Services) -> dict[str, int]:
    now = dt.datetime.now(dt.UTC)
    with services.uow() as uow:
        return uow.beveiligingssignalen.aantallen(now - DAG, now + DAG)


def _geweigerd(response: Any, weigering: Certificaatweigering) -> None:
    assert response.status_code == 401, response.get_json()
    assert response.mimetype == "application/problem+json"
    challenge = WWWAuthenticate.from_header(response.headers["WWW-Authenticate"])
    assert challenge is not None and challenge.type == "bearer"
    assert dict(challenge.parameters) == {
        "realm": "deelpoort",
        "error": "invalid_token",
        "error_description": weigering.value,
    }


# --- a system with its partner's certificate, through the trusted proxy ---------------------------------------


def test_the_partners_certificate_gets_the_verstrekking_and_its_oin_is_logged(
    app: Flask,
    verplicht: None,
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    fg: str,
    bureau_cert: Sleutelpaar,
) -> None:
    response = _vraag(client, procesregisseur, casus["id"], _koppen(bureau_cert))
    assert response.status_code == 201, response.get_json()
    [record] = _records(services)
    assert record["certificaatOin"] == BUREAU_OIN and record["oin"] == BUREAU_OIN
    listed = client.get("/v1/verantwoording/verstrekkingen", headers=bearer(fg)).get_json()
    assert [r["certificaatOin"] for r in listed["verstrekkingen"] if r["soort"] == "verstrekking"] == [BUREAU_OIN]
    # what the partner supplies is logged with the certificate too (its aanlevering)
    bijdrage = client.post(
        f"/v1/casussen/{casus['id']}/bijdragen",
        json={"velden": {"planDoelen": "Synthetisch doel."}},
        headers={**bearer(procesregisseur), **_koppen(bureau_cert)},
    )
    assert bijdrage.status_code == 201, bijdrage.get_json()
    with services.uow() as uow:
        last = parse(list(uow.log.records())[-1].record)
    assert (last["soort"], last["partner"], last["certificaatOin"]) == ("aanlevering", "bureau-zvh-drenthe", BUREAU_OIN)


def test_without_a_certificate_the_record_has_no_certificate_oin(
    app: Flask, client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    _modus(app, MtlsModus.OPTIONEEL)
    response = _vraag(client, procesregisseur, casus["id"], {"X-SSL-Client-Verify": "NONE"})
    assert response.status_code == 201, response.get_json()
    [record] = _records(services)
    assert "certificaatOin" not in record


@pytest.mark.parametrize(
    ("kies", "verificatie", "weigering"),
    [
        (None, "NONE", W.ONTBREEKT),
        (None, "", W.ONTBREEKT),
        ("politie", "SUCCESS", W.ANDERE_OIN),
        ("bureau", "FAILED:certificate revoked", W.NIET_GEVERIFIEERD),
        ("bureau", "NONE", W.NIET_GEVERIFIEERD),  # a certificate the proxy says it did not get
        ("verlopen", "SUCCESS", W.BUITEN_GELDIGHEID),  # a proxy that let an expired one through
        ("nog-niet", "SUCCESS", W.BUITEN_GELDIGHEID),
        ("zonder-oin", "SUCCESS", W.ANDERE_OIN),
        ("kapot", "SUCCESS", W.ONLEESBAAR),
    ],
    ids=[
        "geen",
        "lege-verificatie",
        "andere-oin",
        "ingetrokken",
        "niet-ontvangen",
        "verlopen",
        "nog-niet-geldig",
        "zonder-oin",
        "onleesbaar",
    ],
)
def test_refused_certificates_get_401_problem_json_and_nothing_is_disclosed(
    app: Flask,
    verplicht: None,
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    pki: Pki,
    bureau_cert: Sleutelpaar,
    politie_cert: Sleutelpaar,
    kies: str | None,
    verificatie: str,
    weigering: Certificaatweigering,
    capsys: pytest.CaptureFixture[str],
) -> None:
    nu = dt.datetime.now(dt.UTC)
    certificaten = {
        "bureau": lambda: bureau_cert,
        "politie": lambda: politie_cert,
        "verlopen": lambda: pki.client("verlopen", BUREAU_OIN, vanaf=nu - 9 * DAG, tot=nu - DAG),
        "nog-niet": lambda: pki.client("nog-niet", BUREAU_OIN, vanaf=nu + DAG, tot=nu + 9 * DAG),
        "zonder-oin": lambda: pki.client("zonder-oin", None),
    }
    koppen = {"X-SSL-Client-Verify": verificatie}
    if kies == "kapot":
        koppen["X-SSL-Client-Cert"] = bureau_cert.kop[:200]
    elif kies is not None:
        koppen["X-SSL-Client-Cert"] = certificaten[kies]().kop
    with capture_logs() as events:
        response = _vraag(client, procesregisseur, casus["id"], koppen)
    _geweigerd(response, weigering)
    assert _records(services) == []  # refused before the use case: nothing decided, nothing disclosed
    captured = capsys.readouterr()
    written = response.get_data(as_text=True) + str(response.headers) + captured.out + captured.err + repr(events)
    for geheim in (POLITIE_OIN, BUREAU_OIN, "BEGIN", "MII", "Testorganisatie", "systeem.test"):
        assert geheim not in written  # nothing of a certificate is echoed or logged


def test_a_certificate_is_checked_before_the_rol(
    app: Flask, verplicht: None, client: FlaskClient, procesregisseur: str, politie_cert: Sleutelpaar
) -> None:
    """A wrong certificate is an authentication failure (401), not a permission problem (403)."""
    response = client.get("/v1/verantwoording/signalen", headers={**bearer(procesregisseur), **_koppen(politie_cert)})
    _geweigerd(response, W.ANDERE_OIN)


def test_a_bad_token_is_refused_as_a_token_whatever_the_certificate(
    app: Flask, verplicht: None, client: FlaskClient, casus: dict[str, Any], bureau_cert: Sleutelpaar
) -> None:
    response = _vraag(client, "dp_" + "0" * 32 + "_" + "A" * 43, casus["id"], _koppen(bureau_cert))
    assert response.status_code == 401
    assert 'error_description="the token is not valid"' in response.headers["WWW-Authenticate"]


def test_persons_use_the_api_with_a_token_only(
    app: Flask, verplicht: None, client: FlaskClient, fg: str, politie_cert: Sleutelpaar
) -> None:
    assert client.get("/v1/verantwoording/signalen", headers=bearer(fg)).status_code == 200
    # ... but a certificate a person's client does present must still be its partner's.
    response = client.get("/v1/verantwoording/signalen", headers={**bearer(fg), **_koppen(politie_cert)})
    _geweigerd(response, W.ANDERE_OIN)


def test_mtls_uit_ignores_certificates(
    app: Flask,
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    politie_cert: Sleutelpaar,
) -> None:
    _modus(app, MtlsModus.UIT)
    assert _vraag(client, procesregisseur, casus["id"], _koppen(politie_cert)).status_code == 201
    assert _vraag(client, procesregisseur, casus["id"], {}).status_code == 201
    assert all("certificaatOin" not in r for r in _records(services))


def test_optioneel_allows_absence_but_not_a_misfit(
    app: Flask,
    client: FlaskClient,
    casus: dict[str, Any],
    procesregisseur: str,
    politie_cert: Sleutelpaar,
    bureau_cert: Sleutelpaar,
) -> None:
    _modus(app, MtlsModus.OPTIONEEL)
    assert _vraag(client, procesregisseur, casus["id"], {}).status_code == 201
    assert _vraag(client, procesregisseur, casus["id"], _koppen(bureau_cert)).status_code == 201
    _geweigerd(_vraag(client, procesregisseur, casus["id"], _koppen(politie_cert)), W.ANDERE_OIN)


# --- headers from a peer that is not the proxy ----------------------------------------------------------------


def test_certificate_headers_from_an_untrusted_peer_are_ignored_and_counted(
    app: Flask,
    verplicht: None,
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    fg: str,
    bureau_cert: Sleutelpaar,
) -> None:
    """The attacker has a valid system token and a copy of the partner's certificate (public data), and talks to
    the service directly: the headers are not believed (so the system has no certificate: 401), and counted."""
    forged = {**_koppen(bureau_cert), "X-Forwarded-For": PROXY, "X-Real-IP": PROXY, "Forwarded": f"for={PROXY}"}
    _geweigerd(_vraag(client, procesregisseur, casus["id"], forged, peer=ANDER), W.ONTBREEKT)
    _geweigerd(_vraag(client, procesregisseur, casus["id"], forged, peer=ANDER), W.ONTBREEKT)
    assert _records(services) == []
    assert _signalen(services) == {ONVERTROUWDE_KOP: 2}
    signalen = client.get("/v1/verantwoording/signalen", headers=bearer(fg)).get_json()["signalen"]
    assert {"soort": ONVERTROUWDE_KOP, "partner": "deelpoort", "aantal": 2, "drempel": 1}.items() <= next(
        s for s in signalen if s["soort"] == ONVERTROUWDE_KOP
    ).items()


@pytest.mark.parametrize(
    "koppen",
    [{"X-SSL-Client-Verify": "SUCCESS"}, {"X-SSL-Client-Cert": "x"}, {"x-ssl-client-verify": "NONE"}],
    ids=["alleen-verificatie", "alleen-certificaat", "kleine-letters"],
)
def test_any_certificate_header_from_an_untrusted_peer_counts_on_any_route(
    app: Flask, client: FlaskClient, services: Services, koppen: dict[str, str]
) -> None:
    response = client.get("/v1/status", headers=koppen, environ_base={"REMOTE_ADDR": ANDER})
    assert response.status_code == 200  # ignored, not an error: the route needs no identity
    assert _signalen(services) == {ONVERTROUWDE_KOP: 1}


def test_no_signal_without_certificate_headers_or_from_the_proxy(
    app: Flask, verplicht: None, client: FlaskClient, services: Services, bureau_cert: Sleutelpaar
) -> None:
    assert client.get("/v1/status", environ_base={"REMOTE_ADDR": ANDER}).status_code == 200
    assert client.get("/v1/status", headers=_koppen(bureau_cert)).status_code == 200
    assert _signalen(services) == {}


def test_the_signal_is_for_the_regions_fg_only(
    app: Flask, client: FlaskClient, services: Services, token_for: TokenFor
) -> None:
    client.get("/v1/status", headers={"X-SSL-Client-Verify": "SUCCESS"}, environ_base={"REMOTE_ADDR": ANDER})
    politie_fg = token_for("politie-noord-nederland", "fg")
    signalen = client.get("/v1/verantwoording/signalen", headers=bearer(politie_fg)).get_json()["signalen"]
    assert all(s["soort"] != ONVERTROUWDE_KOP for s in signalen)  # a partner's FG sees its own partner only


def test_the_fg_page_shows_the_signal(app: Flask, client: FlaskClient, services: Services) -> None:
    from service.service_layer.verantwoording import signalering

    with services.uow() as uow:
        uow.beveiligingssignalen.tel(ONVERTROUWDE_KOP, dt.datetime.now(dt.UTC))
        uow.commit()
    fg = Gebruiker("f" * 32, "bureau-zvh-drenthe", "fg", "fg test")
    found = signalering.signalen(services, fg, signalering.drempels_uit(app.extensions["deelpoort.settings"]))
    assert [(s.soort, s.partner, s.aantal) for s in found] == [(ONVERTROUWDE_KOP, "deelpoort", 1)]


# --- the counter: one row per soort and hour, atomic across concurrent writers ---------------------------------


def test_counts_are_kept_per_hour(services: Services) -> None:
    t = dt.datetime(2026, 3, 1, 10, 59, 59, tzinfo=dt.UTC)
    with services.uow() as uow:
        for moment in (t, t - dt.timedelta(minutes=59), t + dt.timedelta(seconds=1)):
            uow.beveiligingssignalen.tel(ONVERTROUWDE_KOP, moment)
        uow.commit()
    with services.uow() as uow:
        store = uow.beveiligingssignalen
        assert store.aantallen(uur_van(t), uur_van(t) + dt.timedelta(hours=1)) == {ONVERTROUWDE_KOP: 2}
        assert store.aantallen(t + dt.timedelta(minutes=1), t + dt.timedelta(hours=2)) == {ONVERTROUWDE_KOP: 1}
        assert store.aantallen(t - 2 * DAG, t + 2 * DAG) == {ONVERTROUWDE_KOP: 3}


def test_concurrent_counts_are_never_lost(services: Services) -> None:
    threads, each = 4, 10
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def count() -> None:
        try:
            start.wait()
            for _ in range(each):
                with services.uow() as uow:
                    uow.beveiligingssignalen.tel(ONVERTROUWDE_KOP, dt.datetime.now(dt.UTC))
                    uow.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sum(_signalen(services).values()) == threads * each


# --- subOINs: a certificate of a registered subOIN is the partner's ---------------------------------------------


@dataclasses.dataclass
class _Register:
    convenant: Any


@pytest.fixture
def met_suboin() -> _Register:
    text = GOOD.replace("type: politie}", 'type: politie, sub_oins: ["00000099000000000901"]}')
    return _Register(parse_convenant_text([("a.yaml", text)]))


def test_a_registered_sub_oin_is_the_partners(met_suboin: _Register, pki: Pki) -> None:
    systeem = Gebruiker("s" * 32, "p1", "deelnemer", "systeem", soort="systeem")
    for oin, weigering in (
        ("00000099000000000901", None),
        ("00000099000000000001", None),
        ("00000099000000000902", W.ANDERE_OIN),
    ):
        aangeboden: Aanbieding = aanbieding("SUCCESS", pki.client(f"sub-{oin}", oin).kop)
        uitslag = controleer_certificaat(met_suboin, systeem, aangeboden, MtlsModus.VERPLICHT)  # type: ignore[arg-type]
        assert uitslag.weigering == weigering
        assert uitslag.oin == (oin if weigering is None else None)


def test_a_certificate_from_an_unknown_ca_is_never_judged_by_the_service(tmp_path: Any) -> None:
    """The service trusts the proxy's verification: a certificate nginx did not verify is refused even when its
    OIN is right (a forger can put any OIN in a certificate of their own CA)."""
    vreemd = vreemde_client(tmp_path, BUREAU_OIN)
    from service.domain.certificaat import beoordeel

    aangeboden = aanbieding("FAILED:unable to get local issuer certificate", vreemd.kop)
    uitslag = beoordeel(MtlsModus.VERPLICHT, "systeem", aangeboden, frozenset({BUREAU_OIN}), dt.datetime.now(dt.UTC))
    assert uitslag.weigering is W.NIET_GEVERIFIEERD
