"""A real `deelpoort serve` (gunicorn, two gthread workers) with its KEKs in a SoftHSM2 token: every worker opens
the token in its own process and its threads share it, while aanmeldingen (a wrap in the token each) and
verstrekkingen (an unwrap on a cache miss) run at once."""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from service import create_app
from service.adapters.orm import CasusSleutelRow
from service.bootstrap import load_key_file, open_token_keyring
from service.crypto.hsm_token import Pkcs11Token
from service.crypto.token_keyring import VERSIE_LEEFTIJD, TokenKeyring
from service.domain.convenant import Regime
from service.service_layer.services import Services
from service.service_layer.sleutelbeheer_hsm import eerste_keks
from service.settings import Settings, Sleutelopslag
from tests.helpers.casus import BSN_HOOFDPERSOON, aanmelding, bearer
from tests.helpers.databases import Inhoud, Templates
from tests.helpers.dienst import dienst
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.nginx import free_port
from tests.helpers.softhsm import PIN, SoftHsm

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Server:
    port: int
    politie: str
    procesregisseur: str
    database_url: str
    token: Pkcs11Token
    stderr: Path  # the server's standard error (gunicorn's own lines and the workers' warnings)

    def gestopt(self) -> str:
        """Why the server no longer answers, as far as its standard error tells (for a failure message)."""
        tekst = self.stderr.read_text(encoding="utf-8", errors="replace") if self.stderr.exists() else ""
        return "the server stopped answering; the end of its standard error:\n" + tekst[-4000:]


def _vraag(port: int, methode: str, pad: str, token: str, body: Any) -> tuple[int, Any]:
    connectie = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {**bearer(token), "Content-Type": "application/json"}
        connectie.request(methode, pad, body=json.dumps(body).encode(), headers=headers)
        antwoord = connectie.getresponse()
        return antwoord.status, json.loads(antwoord.read())
    finally:
        connectie.close()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, templates: Templates, keys_dir: Path, hsm: SoftHsm
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("gunicorn-pkcs11")
    label = hsm.neem()
    settings = Settings(
        instance_path=folder / "instance",
        database_url=templates.sqlite(Inhoud.INGERICHT, folder / "deelpoort.sqlite3"),
        keys_dir=keys_dir,
        sleutels=Sleutelopslag.PKCS11,
        pkcs11_token=label,
        pkcs11_pin=PIN,
    )
    eerste_keks(open_token_keyring(settings, load_key_file(settings), volledig=False))
    app = create_app(settings)
    services: Services = app.extensions["deelpoort"]
    try:
        politie = add_gebruiker(services, "politie-noord-nederland", "casusregisseur")
        procesregisseur = add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur")
    finally:
        services.engine.dispose()
    env = {k: v for k, v in hsm.environ().items() if not k.startswith("DEELPOORT_") or k.startswith("DEELPOORT_TEST")}
    env.update(
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
        DEELPOORT_DATABASE_URL=settings.database_url,
        DEELPOORT_KEYS_DIR=str(keys_dir),
        DEELPOORT_INSTANCE_PATH=str(settings.instance_path),
        DEELPOORT_LOG_LEVEL="WARNING",
        DEELPOORT_SLEUTELS="pkcs11",
        DEELPOORT_PKCS11_TOKEN=label,
        DEELPOORT_PKCS11_PIN=PIN,
    )
    port = free_port()
    code = "import sys; from service.cli import main; sys.exit(main())"
    argv = [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    stderr = folder / "serve.stderr"
    with dienst(argv, env=env, port=port, limit_s=60, stderr_pad=stderr):
        token = Pkcs11Token(str(hsm.module), label, PIN)
        yield Server(port, politie, procesregisseur, settings.database_url, token, stderr)


def test_workers_and_their_threads_wrap_and_unwrap_through_the_token_at_once(server: Server) -> None:
    errors: list[str] = []
    lock = threading.Lock()

    def refer_and_disclose() -> None:
        try:
            for _ in range(4):
                status, created = _vraag(server.port, "POST", "/v1/casussen", server.politie, aanmelding())
                assert status == 201, created
                pad = f"/v1/casussen/{created['id']}/verstrekkingen"
                status, body = _vraag(server.port, "POST", pad, server.procesregisseur, {"doel": "triage"})
                assert status == 201, body
                hoofdpersoon = next(b for b in body["betrokkenen"] if b["rol"] == "hoofdpersoon")
                assert hoofdpersoon["velden"]["bsn"] == BSN_HOOFDPERSOON
        except BaseException as exc:
            with lock:
                errors.append(repr(exc))

    threads = [threading.Thread(target=refer_and_disclose) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    wrapped = _wrapped(server)
    assert len(wrapped) == 24 and {w[:5] for w in wrapped.values()} == {b"\x02\x00\x00\x00\x02"}  # format 2, KEK v2


def test_a_kek_made_by_another_process_wraps_the_workers_next_data_keys(server: Server) -> None:
    """`deelpoort keys rotate` runs in another process than the workers: they must not keep wrapping new data keys
    under the old version (which `keys retire` may destroy once the rewrap counted none under it)."""
    assert TokenKeyring.zonder_controle(server.token).create_kek(Regime.REGULIER) == 3
    time.sleep(VERSIE_LEEFTIJD + 0.2)  # the workers re-read the token's KEKs before a wrap at most this late
    before = set(_wrapped(server))
    for _ in range(4):  # reaching both workers
        try:
            status, created = _vraag(server.port, "POST", "/v1/casussen", server.politie, aanmelding())
        except ConnectionError:  # seen once in CI (stop 33's try); the server's own words say why
            pytest.fail(server.gestopt())
        assert status == 201, created
    new = {casus: w for casus, w in _wrapped(server).items() if casus not in before}
    assert len(new) == 4 and {int.from_bytes(w[1:5], "big") for w in new.values()} == {3}


def _wrapped(server: Server) -> dict[str, bytes]:
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(CasusSleutelRow.casus_id, CasusSleutelRow.wrapped)).all()
    finally:
        engine.dispose()
    return {row.casus_id: row.wrapped for row in rows}
