"""A served Deelpoort with witnesses (issue 20, items 2, 4 and 5): `deelpoort serve` signs the unsigned tail and
sends every checkpoint to its witnesses in the background, a witness that is down stops no verstrekking, and the
FG sees each witness, its lag, and the alarm when witnessing falls behind the allowed time."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from service import create_app
from service.audit.checkpoint import open_checkpoint
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.getuigen_log.conftest import getuigen_bestand
from tests.helpers.casus import aanmelding, bearer
from tests.helpers.databases import Inhoud, Templates
from tests.helpers.dienst import dienst
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.getuige import Getuigeproces
from tests.helpers.nginx import free_port
from tests.helpers.web import html, login

ACHTERSTAND = 4.0  # seconds a checkpoint may wait for the quorum of witnesses
_CODE = "import sys; from service.cli import main; sys.exit(main())"


def _vraag(port: int, methode: str, pad: str, token: str, body: Any = None) -> tuple[int, Any]:
    connectie = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = json.dumps(body).encode() if body is not None else None
        koppen = {**bearer(token), **({"Content-Type": "application/json"} if data else {})}
        connectie.request(methode, pad, body=data, headers=koppen)
        antwoord = connectie.getresponse()
        inhoud = antwoord.read()
        return antwoord.status, json.loads(inhoud) if inhoud else None
    finally:
        connectie.close()


def _wacht(voorwaarde: Callable[[], Any], limiet: float = 20.0) -> Any:
    """Poll until `voorwaarde()` is truthy (no timing is asserted: only that it happens within a generous limit)."""
    einde = time.monotonic() + limiet
    while True:
        uitkomst = voorwaarde()
        if uitkomst or time.monotonic() > einde:
            return uitkomst
        time.sleep(0.2)


def _gecosigneerd(proces: Getuigeproces, origin: str, services: Services) -> int | None:
    try:
        antwoord = requests.get(f"{proces.url}/checkpoint", params={"origin": origin}, timeout=5)
    except requests.ConnectionError:
        return None  # the witness is down
    if antwoord.status_code != 200:
        return None
    return open_checkpoint(antwoord.text, logboek.verifier(services), origin).size


@pytest.fixture
def served(
    tmp_path: Path,
    templates: Templates,
    keys_dir: Path,
    _origins: Iterator[str],
    twee_getuigen: tuple[Getuigeproces, Getuigeproces],
) -> Iterator[tuple[int, Services, Flask, str, dict[str, str]]]:
    """`deelpoort serve` (one worker) with both witnesses, quorum 2, witness twee stopped; its casus and tokens."""
    origin = next(_origins)
    twee = twee_getuigen[1]
    bestand = getuigen_bestand(tmp_path / "getuigen.yaml", twee_getuigen, achterstand=ACHTERSTAND, interval=0.3)
    database_url = templates.sqlite(Inhoud.INGERICHT, tmp_path / "deelpoort.sqlite3")
    settings = Settings(
        instance_path=tmp_path / "instance",
        database_url=database_url,
        keys_dir=keys_dir,
        log_origin=origin,
        getuigen_bestand=bestand,
    )
    app = create_app(settings)  # in this process: to prepare the data, and for the FG's page (no thread runs)
    services: Services = app.extensions["deelpoort"]
    tokens = {
        "systeem": add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur"),
        "politie": add_gebruiker(services, "politie-noord-nederland", "casusregisseur"),
        "fg": add_gebruiker(services, "bureau-zvh-drenthe", "fg"),
    }
    aangemeld = app.test_client().post("/v1/casussen", json=aanmelding(), headers=bearer(tokens["politie"]))
    assert aangemeld.status_code == 201, aangemeld.get_json()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEELPOORT_")}
    env.update(
        DEELPOORT_DATABASE_URL=database_url,
        DEELPOORT_KEYS_DIR=str(keys_dir),
        DEELPOORT_INSTANCE_PATH=str(tmp_path / "instance"),
        DEELPOORT_LOG_LEVEL="WARNING",
        DEELPOORT_LOG_ORIGIN=origin,
        DEELPOORT_GETUIGEN_BESTAND=str(bestand),
        DEELPOORT_CHECKPOINT_SECONDS="1",
    )
    port = free_port()
    argv = [sys.executable, "-c", _CODE, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    twee.stop()
    try:
        with dienst(argv, env=env, port=port):
            yield port, services, app, aangemeld.get_json()["id"], tokens
    finally:
        twee.start()
        with contextlib.suppress(Exception):
            services.engine.dispose()


def test_a_served_log_is_witnessed_in_the_background_and_a_witness_down_stops_nothing(
    served: tuple[int, Services, Flask, str, dict[str, str]], twee_getuigen: tuple[Getuigeproces, Getuigeproces]
) -> None:
    port, services, app, casus, tokens = served
    een, twee = twee_getuigen
    origin = services.log.beleid.origin
    pad = f"/v1/casussen/{casus}/verstrekkingen"

    # Witness twee is down: verstrekkingen are made and logged all the same.
    for _ in range(2):
        status, body = _vraag(port, "POST", pad, tokens["systeem"], {"doel": "triage"})
        assert status == 201, body
    with services.uow() as uow:
        grootte = uow.log.size()
    assert grootte >= 2
    # The second record came within a second of the first checkpoint: no record signed it. The background
    # sender signs the tail once it is DEELPOORT_CHECKPOINT_SECONDS old and witness een cosigns it.
    assert _wacht(lambda: _gecosigneerd(een, origin, services) == grootte), "een did not cosign the whole log"
    assert _gecosigneerd(twee, origin, services) is None

    # The FG sees een in order, twee unreachable; once the allowed lag has passed, the lag is an alarm.
    def integriteit() -> dict[str, Any]:
        status, body = _vraag(port, "GET", "/v1/verantwoording/integriteit", tokens["fg"])
        assert status == 200, body
        return body["getuigen"]

    getuigd = _wacht(lambda: (g := integriteit())["achterstand"] and g, limiet=ACHTERSTAND + 10)
    assert getuigd, "the lag never became an alarm"
    een_verslag, twee_verslag = getuigd["getuigen"]
    assert (een_verslag["naam"], een_verslag["inOrde"], een_verslag["grootte"]) == ("getuige.test/een", True, grootte)
    assert (twee_verslag["inOrde"], twee_verslag["alarm"]) == (False, False)
    assert twee_verslag["problemen"][0].startswith("unreachable")
    assert getuigd["alarm"] is True and getuigd["getuigd"] is False
    assert "1 of 2 witnesses cosigned it or a later one; the quorum is 2" in getuigd["achterstand"]

    # The FG's page says the same, in Dutch.
    client = app.test_client()
    login(client, tokens["fg"])
    pagina = " ".join(html(client.get("/fg/integriteit")).split())
    assert "Alarm: de getuigen lopen achter" in pagina
    assert "getuige.test/twee" in pagina and "onbereikbaar" in pagina and "unreachable" not in pagina
    assert re.search(r"\(\d+ s geleden\)", pagina)  # een's cosignature, with its age

    # Twee comes back: the sender catches it up (from nothing: old size 0) and the quorum vouches again.
    twee.start()
    assert _wacht(lambda: _gecosigneerd(twee, origin, services) == grootte), "twee was not caught up"
    terug = _wacht(lambda: (g := integriteit())["getuigd"] and g)
    assert terug and terug["alarm"] is False and terug["achterstand"] is None
    assert "In orde: 2 van 2 getuigen" in " ".join(html(client.get("/fg/integriteit")).split())
