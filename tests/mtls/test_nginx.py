"""PKIoverheid mTLS end to end: a real nginx with `deploy/nginx/deelpoort.conf` in front of a real gunicorn
(`deelpoort serve`, DEELPOORT_MTLS=verplicht, trusting only 127.0.0.1), and a test PKI made at test time.

nginx and gunicorn start once per module (per xdist worker that runs tests of this module) on a database copied
from the session's template. Requests go over HTTPS with `http.client` and an SSLContext holding the client's
certificate. The direct requests to gunicorn come from 127.0.0.2, a loopback address that is not the proxy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import WWWAuthenticate

from service import create_app
from service.audit.record import parse
from service.domain.certificaat import Certificaatweigering
from service.service_layer.identiteit.certificaten import ONVERTROUWDE_KOP
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import aanmelding, bearer
from tests.helpers.databases import Inhoud, Templates
from tests.helpers.dienst import dienst
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.nginx import Bestanden, Nginx, free_port, nginx, nginx_or_skip
from tests.helpers.pki import DAG, Pki, Sleutelpaar, vreemde_client

BUREAU_OIN = "00000099000000000101"  # bureau-zvh-drenthe in convenants/zvh-drenthe.yaml
POLITIE_OIN = "00000099000000000116"  # politie-noord-nederland
W = Certificaatweigering


@dataclass
class Omgeving:
    services: Services
    pki: Pki
    nginx: Nginx
    gunicorn_port: int
    casus_id: str
    systeem: str  # a procesregisseur of bureau-zvh-drenthe: soort systeem, takes part in the casus
    fg: str  # the FG of bureau-zvh-drenthe: a person
    certificaten: dict[str, Sleutelpaar]

    def https(
        self, methode: str, pad: str, *, certificaat: str | None, token: str, body: Any = None, koppen: Any = None
    ) -> tuple[int, dict[str, str], Any]:
        """A request through nginx over HTTPS, with the named client certificate (None: without one)."""
        context = ssl.create_default_context(cafile=str(self.pki.root_pad))
        if certificaat is not None:
            paar = self.certificaten[certificaat]
            context.load_cert_chain(paar.cert_pad, paar.sleutel_pad)
        connectie = http.client.HTTPSConnection("127.0.0.1", self.nginx.port, context=context, timeout=20)
        return _doe(connectie, methode, pad, token, body, koppen or {})

    def direct(self, methode: str, pad: str, *, token: str, body: Any = None, koppen: Any = None) -> Any:
        """A request straight to gunicorn from 127.0.0.2 (not the trusted proxy), over plain HTTP."""
        connectie = http.client.HTTPConnection(
            "127.0.0.1", self.gunicorn_port, timeout=20, source_address=("127.0.0.2", 0)
        )
        return _doe(connectie, methode, pad, token, body, koppen or {})

    def verstrekking(self, certificaat: str | None, koppen: Any = None) -> tuple[int, dict[str, str], Any]:
        pad = f"/v1/casussen/{self.casus_id}/verstrekkingen"
        return self.https(
            "POST", pad, certificaat=certificaat, token=self.systeem, body={"doel": "triage"}, koppen=koppen
        )

    def signalen(self) -> int:
        now = dt.datetime.now(dt.UTC)
        with self.services.uow() as uow:
            return uow.beveiligingssignalen.aantallen(now - DAG, now + DAG).get(ONVERTROUWDE_KOP, 0)

    def records(self) -> list[dict[str, Any]]:
        with self.services.uow() as uow:
            return [parse(r.record) for r in uow.log.records()]


def _doe(
    connectie: http.client.HTTPConnection, methode: str, pad: str, token: str, body: Any, koppen: dict[str, str]
) -> tuple[int, dict[str, str], Any]:
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = {**bearer(token), **({"Content-Type": "application/json"} if data else {}), **koppen}
        connectie.request(methode, pad, body=data, headers=headers)
        antwoord = connectie.getresponse()
        inhoud = antwoord.read()
        return antwoord.status, dict(antwoord.getheaders()), json.loads(inhoud) if inhoud else None
    finally:
        connectie.close()


@contextlib.contextmanager
def _gunicorn(settings: Settings, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`deelpoort serve` (one worker) with mTLS required, trusting 127.0.0.1 as its proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEELPOORT_")}
    env.update(
        DEELPOORT_DATABASE_URL=settings.database_url,
        DEELPOORT_KEYS_DIR=str(settings.keys_dir),
        DEELPOORT_INSTANCE_PATH=str(settings.instance_path),
        DEELPOORT_LOG_LEVEL="WARNING",
        DEELPOORT_MTLS="verplicht",
        DEELPOORT_VERTROUWDE_PROXIES="127.0.0.1",
    )
    code = "import sys; from service.cli import main; sys.exit(main())"
    argv = [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with dienst(argv, env=env, port=port) as server:
        yield server


@pytest.fixture(scope="module")
def omgeving(tmp_path_factory: pytest.TempPathFactory, templates: Templates, keys_dir: Path) -> Iterator[Omgeving]:
    nginx_or_skip()
    map = tmp_path_factory.mktemp("mtls-nginx")
    database_url = templates.sqlite(Inhoud.INGERICHT, map / "deelpoort.sqlite3")
    settings = Settings(instance_path=map / "instance", database_url=database_url, keys_dir=keys_dir)
    templates.check_settings(settings)
    app = create_app(settings)  # in this process: development settings (mTLS uit), to prepare the data
    services: Services = app.extensions["deelpoort"]
    try:
        systeem = add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur")
        politie = add_gebruiker(services, "politie-noord-nederland", "casusregisseur")
        fg = add_gebruiker(services, "bureau-zvh-drenthe", "fg")
        client: FlaskClient = app.test_client()
        aangemeld = client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie))
        assert aangemeld.status_code == 201, aangemeld.get_json()

        pki = Pki(map / "pki")
        nu = dt.datetime.now(dt.UTC)
        certificaten = {
            "bureau": pki.client("bureau", BUREAU_OIN, organisatie="Bureau Zorg- en Veiligheidshuis Drenthe"),
            "politie": pki.client("politie", POLITIE_OIN, organisatie="Politie eenheid Noord-Nederland"),
            "verlopen": pki.client("verlopen", BUREAU_OIN, vanaf=nu - 30 * DAG, tot=nu - DAG),
            "ingetrokken": pki.client("ingetrokken", BUREAU_OIN),
            "vreemd": vreemde_client(map / "vreemde-pki", BUREAU_OIN),
        }
        pki.trek_in(certificaten["ingetrokken"].certificaat)
        server = pki.server()
        bestanden = Bestanden(server.cert_pad, server.sleutel_pad, pki.root_pad, pki.uitgever_pad, pki.crl_pad)
        gunicorn_port = free_port()
        with _gunicorn(settings, gunicorn_port), nginx(map / "nginx", gunicorn_port, bestanden, ca=pki.root_pad) as n:
            yield Omgeving(services, pki, n, gunicorn_port, aangemeld.get_json()["id"], systeem, fg, certificaten)
    finally:
        services.engine.dispose()


def _weigering(status: int, koppen: dict[str, str], body: Any) -> str:
    assert status == 401, body
    assert koppen["Content-Type"] == "application/problem+json"
    challenge = WWWAuthenticate.from_header(koppen["WWW-Authenticate"])
    assert challenge is not None and challenge.type == "bearer"
    assert challenge.parameters["realm"] == "deelpoort" and challenge.parameters["error"] == "invalid_token"
    return challenge.parameters["error_description"]


def test_the_partners_system_with_its_certificate_gets_the_verstrekking(omgeving: Omgeving) -> None:
    status, _, body = omgeving.verstrekking("bureau")
    assert status == 201, body
    record = next(r for r in omgeving.records() if r["id"] == body["id"])
    assert record["certificaatOin"] == BUREAU_OIN and record["partner"] == "bureau-zvh-drenthe"
    controle = logboek.verifieer(omgeving.services)  # what `deelpoort audit verify` runs
    assert controle.ok and controle.grootte >= 1, controle.problemen


@pytest.mark.parametrize(
    ("certificaat", "weigering"),
    [
        (None, W.ONTBREEKT),
        ("politie", W.ANDERE_OIN),  # a valid PKIoverheid certificate, of another partner
        ("verlopen", W.NIET_GEVERIFIEERD),  # nginx: FAILED:certificate has expired
        ("ingetrokken", W.NIET_GEVERIFIEERD),  # nginx: FAILED:certificate revoked (the CRL it loaded)
        ("vreemd", W.NIET_GEVERIFIEERD),  # the right OIN, from a CA nginx does not trust
    ],
    ids=["geen", "andere-partner", "verlopen", "ingetrokken", "onbekende-ca"],
)
def test_refused_certificates_get_401_problem_json(
    omgeving: Omgeving, certificaat: str | None, weigering: Certificaatweigering
) -> None:
    before = len(omgeving.records())
    assert _weigering(*omgeving.verstrekking(certificaat)) == weigering.value
    assert len(omgeving.records()) == before  # refused at authentication: nothing decided, nothing disclosed


def test_nginx_replaces_certificate_headers_a_client_sends(omgeving: Omgeving) -> None:
    """A client without a certificate (or with another partner's) claims the bureau's in the headers nginx sets:
    nginx drops them, in every spelling, so the service sees only what nginx verified. Nothing is counted: the
    headers the service got came from its proxy."""
    vervalst = omgeving.certificaten["bureau"].kop
    before = omgeving.signalen()
    for koppen in (
        {"X-SSL-Client-Cert": vervalst, "X-SSL-Client-Verify": "SUCCESS"},
        {"x-ssl-client-cert": vervalst, "X-Ssl-Client-Verify": "SUCCESS"},
        {"X_SSL_Client_Cert": vervalst, "X_SSL_Client_Verify": "SUCCESS"},
    ):
        assert _weigering(*omgeving.verstrekking(None, koppen)) == W.ONTBREEKT.value
        assert _weigering(*omgeving.verstrekking("politie", koppen)) == W.ANDERE_OIN.value
    assert omgeving.signalen() == before


def test_forged_headers_straight_to_gunicorn_are_refused_and_counted(omgeving: Omgeving) -> None:
    """Someone who reaches gunicorn without passing nginx, with a valid system token and the bureau's (public)
    certificate in the headers nginx would set, claiming to be the proxy in X-Forwarded-For."""
    before = omgeving.signalen()
    koppen = {
        "X-SSL-Client-Cert": omgeving.certificaten["bureau"].kop,
        "X-SSL-Client-Verify": "SUCCESS",
        "X-Forwarded-For": "127.0.0.1",
    }
    pad = f"/v1/casussen/{omgeving.casus_id}/verstrekkingen"
    antwoord = omgeving.direct("POST", pad, token=omgeving.systeem, body={"doel": "triage"}, koppen=koppen)
    assert _weigering(*antwoord) == W.ONTBREEKT.value
    assert omgeving.signalen() == before + 1


def test_a_person_uses_the_api_through_nginx_without_a_certificate_and_the_fg_sees_the_signal(
    omgeving: Omgeving,
) -> None:
    omgeving.direct("GET", "/v1/status", token="", koppen={"X-SSL-Client-Verify": "SUCCESS"})
    status, _, body = omgeving.https("GET", "/v1/verantwoording/signalen", certificaat=None, token=omgeving.fg)
    assert status == 200, body
    [signaal] = [s for s in body["signalen"] if s["soort"] == ONVERTROUWDE_KOP]
    assert signaal["partner"] == "deelpoort" and signaal["aantal"] == omgeving.signalen() >= 1


def test_only_tls_12_and_13_are_offered(omgeving: Omgeving) -> None:
    for versie in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        context = ssl.create_default_context(cafile=str(omgeving.pki.root_pad))
        context.minimum_version = context.maximum_version = versie
        connectie = http.client.HTTPSConnection("127.0.0.1", omgeving.nginx.port, context=context, timeout=10)
        status, _, _ = _doe(connectie, "GET", "/v1/status", "", None, {})
        assert status == 200
