"""The README's "In production" section, followed as written: from nothing to a serving installation on a fresh
PostgreSQL database behind a real nginx with mTLS, the first beheerders, two partners' systems (certificate with
OIN and token) and an FG who logs in through a real OpenID Provider (issue 19, "Done means").

How it follows the README:
- Every `sh` block of the section runs, in order, with bash (`-euo pipefail`), as written, except that the
  site-specific values the section names are replaced (`SITE`): each must occur in the section, and none may be
  left after replacing. The `deelpoort` on the PATH is the checkout's.
- The *by hand* steps are done the test's way: the service is started from `deploy/systemd/deelpoort.service`
  (its EnvironmentFile and ExecStart, paths replaced) and nginx runs `deploy/nginx/deelpoort.conf` (via
  `tests.helpers.nginx`), both just before the first block that talks to the host (the first with `curl`).
  The test PKI plays PKIoverheid; the partners' certificate files lie in the blocks' working directory, as on a
  partner's host.
- The identity provider is the test OpenID Provider over https (certificate from the test PKI); the service is
  told to trust that PKI's root with REQUESTS_CA_BUNDLE, as a real IdP's public certificate needs nothing.

Then what the issue asks to be refused is refused through the same installation: a forged certificate header
straight to gunicorn, a certificate of another partner (wrong OIN), an expired token; and Chromium logs the FG in.
Everything starts once, in one module-scoped fixture (PostgreSQL only: CI requires it).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from service.settings import PROJECT_ROOT
from tests.helpers.browser import browser, klik  # noqa: F401 - browser is a fixture
from tests.helpers.casus import aanmelding
from tests.helpers.dienst import dienst
from tests.helpers.nginx import Bestanden, Nginx, free_port, nginx, nginx_or_skip
from tests.helpers.oidc import ProviderProcess, npm_ci
from tests.helpers.pki import Pki, Sleutelpaar
from tests.helpers.productie import BIN, libpq, nieuwe_database, start_commando, unit

pytestmark = pytest.mark.slow

README = PROJECT_ROOT / "README.md"
HOST = "https://deelpoort.zvh-drenthe.example"
DATABASE = "postgresql+psycopg://deelpoort@db.zvh-drenthe.example/deelpoort"
IDP = "https://login.zvh-drenthe.example"
ETC = "/etc/deelpoort"
STAAT = "/var/lib/deelpoort"  # the service's state directory: the destruction journal (docs/backup.md)
BUREAU_OIN = "00000099000000000101"
POLITIE_OIN = "00000099000000000116"


def sectie() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## In production\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def blokken() -> list[str]:
    """The `sh` blocks of the section, in order."""
    return re.findall(r"^```sh\n(.*?)^```$", sectie(), flags=re.M | re.S)


def vervang(text: str, site: dict[str, str]) -> str:
    for oud, nieuw in site.items():
        text = text.replace(oud, nieuw)
    return text


@dataclass
class Installatie:
    etc: Path
    werk: Path
    site: dict[str, str]
    env: dict[str, str]
    database_url: str
    pki: Pki
    certificaten: dict[str, Sleutelpaar]
    nginx: Nginx | None = None
    gunicorn_port: int = 0

    def voer_uit(self, blok: str) -> subprocess.CompletedProcess[str]:
        script = vervang(blok, self.site)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=self.werk,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (
            f"README block failed ({done.returncode}):\n{script}\n--\n{done.stdout}\n{done.stderr}"
        )
        return done

    def token(self, naam: str) -> str:
        return (self.etc / f"{naam}.token").read_text(encoding="ascii").strip()

    def https(self, pad: str, *, token: str, certificaat: str | None, body: Any = None) -> tuple[int, str, Any]:
        """A request through nginx with the named client certificate (None: without one)."""
        context = ssl.create_default_context(cafile=str(self.pki.root_pad))
        if certificaat is not None:
            paar = self.certificaten[certificaat]
            context.load_cert_chain(paar.cert_pad, paar.sleutel_pad)
        assert self.nginx is not None
        return _verzoek(f"https://127.0.0.1:{self.nginx.port}{pad}", token, body, context=context)

    def direct(self, pad: str, *, token: str, koppen: dict[str, str], body: Any = None) -> int:
        """A request straight to gunicorn from 127.0.0.2: a peer that is not the trusted proxy (127.0.0.1), as
        another host would be (gunicorn on 127.0.0.1 is reachable from this host only, where every process
        counts as the proxy: the README says so)."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.gunicorn_port, timeout=20, source_address=("127.0.0.2", 0)
        )
        try:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **koppen}
            connection.request("POST", pad, body=json.dumps(body), headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()


def _verzoek(
    url: str, token: str, body: Any, *, context: ssl.SSLContext | None = None, koppen: dict[str, str] | None = None
) -> tuple[int, str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", **(koppen or {})}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, context=context, timeout=20) as answer:  # noqa: S310
            return answer.status, answer.headers.get("WWW-Authenticate", ""), json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("WWW-Authenticate", ""), json.loads(error.read() or b"null")


@contextlib.contextmanager
def _dienst(installatie: Installatie, port: int) -> Iterator[None]:
    """The service as `deploy/systemd/deelpoort.service` starts it: its EnvironmentFile, its ExecStart."""
    omgeving, _ = unit()
    script = f"set -a; . {vervang(omgeving, installatie.site)}; set +a; exec {start_commando(port=port)}"
    env = {**installatie.env, "REQUESTS_CA_BUNDLE": str(installatie.pki.root_pad)}
    with dienst(["bash", "-c", script], env=env, port=port):
        yield


@pytest.fixture(scope="module")
def installatie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installatie]:
    nginx_or_skip()
    npm_ci()
    if shutil.which("curl") is None:
        pytest.fail("the README's steps use curl, which is missing (apt-get install curl)")
    root = tmp_path_factory.mktemp("productie")
    etc, werk = root / "etc-deelpoort", root / "partner"
    werk.mkdir()
    pki = Pki(root / "pki")
    certificaten = {
        "bureau": pki.client("bureau", BUREAU_OIN, organisatie="Bureau Zorg- en Veiligheidshuis Drenthe"),
        "politie": pki.client("politie", POLITIE_OIN, organisatie="Politie eenheid Noord-Nederland"),
    }
    for naam, paar in certificaten.items():  # as on the partners' own hosts
        shutil.copy(paar.cert_pad, werk / f"{naam}.pem")
        shutil.copy(paar.sleutel_pad, werk / f"{naam}.key")
    (werk / "aanmelding.json").write_text(json.dumps(aanmelding()), encoding="utf-8")
    server = pki.server()
    nginx_port, gunicorn_port = free_port(), free_port()
    host = f"https://127.0.0.1:{nginx_port}"
    client_secret = secrets.token_urlsafe(32)
    client = {
        "client_id": "deelpoort",
        "client_secret": client_secret,
        "redirect_uris": [f"{host}/inloggen/oidc/terugkeer"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    provider = ProviderProcess([client], root / "provider.log", tls=(server.cert_pad, server.sleutel_pad))
    try:
        with nieuwe_database("dp_productie") as database_url:
            site = {
                ETC: str(etc),
                STAAT: str(root / "var-lib-deelpoort"),
                HOST: host,
                DATABASE: database_url,
                IDP: provider.issuer,
            }
            text = sectie()
            missing = [value for value in site if value not in text]
            assert not missing, f"the README's In production section no longer names {missing}"
            env = {k: v for k, v in os.environ.items() if not k.startswith("DEELPOORT_")}
            env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", IDP_CLIENT_SECRET=client_secret)
            found = Installatie(etc, werk, site, env, database_url, pki, certificaten, gunicorn_port=gunicorn_port)
            tls = etc / "tls"
            bestanden = Bestanden(server.cert_pad, server.sleutel_pad, pki.root_pad, pki.uitgever_pad, pki.crl_pad)
            with contextlib.ExitStack() as stack:
                for blok in blokken():
                    if "curl " in blok and found.nginx is None:  # the first block that talks to the host: serve
                        tls.mkdir(parents=True, exist_ok=True)
                        shutil.copy(pki.root_pad, tls / "ca.pem")
                        stack.enter_context(_dienst(found, gunicorn_port))
                        found.nginx = stack.enter_context(
                            nginx(root / "nginx", gunicorn_port, bestanden, ca=pki.root_pad, port=nginx_port)
                        )
                    for value in site:
                        assert value not in vervang(blok, site)
                    found.voer_uit(blok)
                assert found.nginx is not None, "no README block talks to the host: the walk-through never served"
                yield found
    finally:
        provider.stop()


def test_the_walk_through_ran_and_the_bureau_got_its_verstrekking(installatie: Installatie) -> None:
    assert len(blokken()) >= 5
    verstrekking = json.loads((installatie.werk / "verstrekking.json").read_text(encoding="utf-8"))
    assert verstrekking["doel"] == "triage"
    assert verstrekking["velden"], "the triage released no veld"
    record = next(r for r in _records(installatie.database_url) if r["id"] == verstrekking["id"])
    assert record["certificaatOin"] == BUREAU_OIN and record["partner"] == "bureau-zvh-drenthe"
    verify = subprocess.run(
        ["bash", "-c", f"set -a; . {installatie.etc}/deelpoort.env; set +a; deelpoort audit verify"],
        env=installatie.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_production_refuses_what_it_must(installatie: Installatie) -> None:
    casus = json.loads((installatie.werk / "casus.json").read_text(encoding="utf-8"))["id"]
    pad = f"/v1/casussen/{casus}/verstrekkingen"
    bureau = installatie.token("bureau")
    # The right token with another partner's certificate (a wrong OIN).
    status, challenge, _ = installatie.https(pad, token=bureau, certificaat="politie", body={"doel": "triage"})
    assert status == 401 and "invalid_token" in challenge
    # No certificate at all: a system must present one.
    assert installatie.https(pad, token=bureau, certificaat=None, body={"doel": "triage"})[0] == 401
    # A forged certificate header straight to gunicorn (not the trusted proxy's address).
    forged = {"X-SSL-Client-Verify": "SUCCESS", "X-SSL-Client-Cert": installatie.certificaten["bureau"].kop}
    assert installatie.direct(pad, token=bureau, koppen=forged, body={"doel": "triage"}) == 401
    # The right certificate again: still works (nothing above changed the installation).
    assert installatie.https(pad, token=bureau, certificaat="bureau", body={"doel": "triage"})[0] == 201


def test_an_expired_token_is_refused_with_the_reason(installatie: Installatie) -> None:
    politie = installatie.token("politie")
    assert installatie.https("/v1/partners", token=politie, certificaat="politie")[0] == 200
    with psycopg.connect(libpq(installatie.database_url), autocommit=True) as connection:
        connection.execute(
            "UPDATE tokens SET verloopt_op = now() - interval '1 second' WHERE id = %s", (politie.split("_")[1],)
        )
    status, challenge, _ = installatie.https("/v1/partners", token=politie, certificaat="politie")
    assert status == 401 and "expired" in challenge


def test_the_fg_logs_in_through_the_bureaus_identity_provider(installatie: Installatie, browser: Any) -> None:  # noqa: F811
    assert installatie.nginx is not None
    context = browser.new_context(ignore_https_errors=True, java_script_enabled=False)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(f"https://127.0.0.1:{installatie.nginx.port}/fg/")
        assert "/inloggen" in page.url
        assert 'name="token"' not in page.content()  # production: no token form
        klik(page, "text=Inloggen via Bureau Zorg- en Veiligheidshuis Drenthe")
        assert page.url.startswith(installatie.site[IDP]), page.url
        page.fill("input[name=login]", "fg-bureau")
        page.fill("input[name=password]", "niet-gecontroleerd")
        klik(page, "button[type=submit]")
        for _ in range(50):  # the callback answers with a page that forwards the browser itself
            if page.url.rstrip("/").endswith("/fg"):
                break
            page.wait_for_timeout(100)
        assert page.url.rstrip("/").endswith("/fg"), page.url
        assert any(c["name"] == "deelpoort_sessie" for c in context.cookies())
        assert "Geen toegang" not in page.content() and "niet geregistreerd" not in page.content()
    finally:
        context.close()


def _records(database_url: str) -> list[dict[str, Any]]:
    with psycopg.connect(libpq(database_url)) as connection:
        rows = connection.execute("SELECT record FROM verstrekkingen ORDER BY log_index").fetchall()
    return [json.loads(bytes(row[0])) for row in rows]
