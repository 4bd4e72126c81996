"""`GET /metrics` (issue 25 point 4): only for the monitoring addresses (the peer, or what a trusted proxy
forwarded; never a header a client sends itself), and counters that follow what happened, labelled by codes."""

from __future__ import annotations

import dataclasses
import ipaddress
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.domain.certificaat import MtlsModus
from service.service_layer.services import Services
from service.settings import Omgeving, Settings, SettingsError
from tests.helpers.casus import bearer, vraag
from tests.helpers.logboek import log_weigert
from tests.helpers.waarneming import scrape, waarde

PROXY = "10.9.8.7"
BUITEN = "203.0.113.9"
MONITOR = "10.1.2.3"


def _netwerken(*adressen: str) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(a) for a in adressen)


def _instellen(app: Flask, **wijzigingen: Any) -> None:
    settings = app.extensions["deelpoort.settings"]
    app.extensions["deelpoort.settings"] = dataclasses.replace(settings, **wijzigingen)


# (peer, X-Forwarded-For, trusted proxies, metrics addresses (None: the default), may read)
TOEGANG = [
    ("127.0.0.1", None, (), None, True),
    ("::1", None, (), None, True),
    ("::ffff:127.0.0.1", None, (), None, True),
    ("10.0.0.5", None, (), None, False),
    ("10.0.0.5", "127.0.0.1", (), None, False),
    (BUITEN, "127.0.0.1, 127.0.0.1", (), None, False),
    (MONITOR, None, (), (f"{MONITOR}/32",), True),
    ("127.0.0.1", None, (), (f"{MONITOR}/32",), False),
    (PROXY, BUITEN, (PROXY,), ("127.0.0.0/8", PROXY), False),
    (PROXY, MONITOR, (PROXY,), (f"{MONITOR}/32",), True),
    (PROXY, f"{MONITOR}, {BUITEN}", (PROXY,), (f"{MONITOR}/32",), False),
    (PROXY, None, (PROXY,), (PROXY,), True),
    ("127.0.0.1", None, (), (), False),
]
TOEGANG_IDS = [
    "loopback",
    "ipv6-loopback",
    "ipv4-mapped-loopback",
    "elders",
    "elders-met-vervalste-forwarded-for",
    "buiten-met-vervalste-forwarded-for",
    "ingesteld-adres",
    "loopback-niet-ingesteld",
    "via-proxy-voor-buiten",
    "via-proxy-voor-monitor",
    "via-proxy-laatste-adres-telt",
    "proxyhost-zelf-zonder-forwarded-for",
    "niemand",
]


@pytest.mark.parametrize(("peer", "forwarded", "proxies", "adressen", "mag"), TOEGANG, ids=TOEGANG_IDS)
def test_metrics_answer_only_to_a_monitoring_client(
    app: Flask,
    client: FlaskClient,
    peer: str,
    forwarded: str | None,
    proxies: tuple[str, ...],
    adressen: tuple[str, ...] | None,
    mag: bool,
) -> None:
    _instellen(
        app,
        vertrouwde_proxies=_netwerken(*proxies),
        metrics_adressen=None if adressen is None else _netwerken(*adressen),
    )
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": peer})
    status = client.get("/v1/status", headers=headers, environ_base={"REMOTE_ADDR": peer}).get_json()
    if mag:
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        assert "deelpoort_http_verzoeken_total" in response.get_data(as_text=True)
        assert status["database"] == "ok"  # the detailed status, to the same clients
        return
    unknown = client.get("/bestaat-niet", environ_base={"REMOTE_ADDR": peer})
    assert response.status_code == 404 and response.mimetype == "text/html"  # the pages' 404 (web/foutpaginas.py)
    assert response.get_data() == unknown.get_data()  # the same answer as a path that does not exist
    assert "deelpoort_" not in response.get_data(as_text=True)
    assert set(status) == {"status", "apiVersie"}


def test_production_admits_nobody_unless_configured(tmp_path: Path) -> None:
    keys = tmp_path / "sleutels.json"
    journaal = tmp_path / "vernietigingen.jsonl"
    base = Settings(
        omgeving=Omgeving.PRODUCTION,
        keys_file=keys,
        secret_key="s" * 40,
        mtls=MtlsModus.UIT,
        instance_path=tmp_path,
        vernietigingsjournaal=journaal,
    )
    assert not base.metrics_toegestaan("127.0.0.1", None)
    assert base.logformaat == "json"
    configured = Settings.from_env(
        {
            "DEELPOORT_ENV": "production",
            "DEELPOORT_KEYS_FILE": str(keys),
            "DEELPOORT_SECRET_KEY": "s" * 40,
            "DEELPOORT_MTLS": "uit",
            "DEELPOORT_METRICS_ADRESSEN": "127.0.0.1, 10.1.2.0/28",
            "DEELPOORT_VERNIETIGINGSJOURNAAL": str(journaal),
            "DEELPOORT_LOG_FORMAAT": "console",
        }
    )
    assert configured.metrics_toegestaan("10.1.2.14", None) and configured.metrics_toegestaan("127.0.0.1", None)
    assert not configured.metrics_toegestaan("10.1.2.16", None)
    assert configured.logformaat == "console"


@pytest.mark.parametrize(
    ("variabele", "waarde_", "fout"),
    [
        ("DEELPOORT_METRICS_ADRESSEN", "0.0.0.0/0", "every address"),
        ("DEELPOORT_METRICS_ADRESSEN", "10.1.2.1/24", "host bits"),
        ("DEELPOORT_METRICS_ADRESSEN", "prometheus.example", "not an IP address"),
        ("DEELPOORT_LOG_FORMAAT", "xml", "'json' or 'console'"),
    ],
    ids=["alles", "hostbits", "naam", "formaat"],
)
def test_bad_settings_are_refused_naming_the_variable(variabele: str, waarde_: str, fout: str) -> None:
    with pytest.raises(SettingsError, match=fout):
        Settings.from_env({variabele: waarde_})


def test_counters_follow_requests_refusals_token_failures_the_log_and_the_key_cache(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str, politie: str
) -> None:
    voor = scrape(client)
    for _ in range(3):
        assert client.get("/v1/partners", headers=bearer(politie)).status_code == 200
    assert client.get("/v1/partners", headers={"Authorization": "Bearer kapot"}).status_code == 401
    assert client.get("/v1/partners").status_code == 401
    assert vraag(client, politie, casus["id"], doel="onbekend-doel").status_code == 400
    for _ in range(2):
        assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    na = scrape(client)

    def delta(naam: str, **labels: str) -> float:
        return waarde(na, naam, **labels) - waarde(voor, naam, **labels)

    assert delta("deelpoort_http_verzoeken_total", route="/v1/partners", methode="GET", status="200") == 3
    assert delta("deelpoort_http_verzoeken_total", route="/v1/partners", methode="GET", status="401") == 2
    assert delta("deelpoort_http_verzoek_duur_seconden_count", route="/v1/partners", methode="GET") == 5
    assert delta("deelpoort_token_weigeringen_total", reden="vorm") == 1
    assert delta("deelpoort_token_weigeringen_total", reden="ontbreekt") == 1
    assert delta("deelpoort_weigeringen_total", soort="verstrekking", reden="onbekende-naam") == 1
    assert delta("deelpoort_log_batch_records_count") == 3  # one batch per request here (no concurrency)
    assert delta("deelpoort_log_batch_records_sum") == 3
    assert delta("deelpoort_log_batch_duur_seconden_count") == 3
    assert delta("deelpoort_dek_cache_total", uitkomst="hit") >= 1  # the second triage finds the casus's key
    assert delta("deelpoort_dek_cache_total", uitkomst="miss") + delta("deelpoort_dek_cache_total", uitkomst="hit") == 2
    with services.uow() as uow:
        grootte = uow.log.size()
    assert waarde(na, "deelpoort_checkpoint_leeftijd_seconden") >= 0
    ongetekend = waarde(na, "deelpoort_log_ongetekend_records")
    services.log.checkpoint_now()
    assert 0 <= ongetekend <= grootte
    assert waarde(scrape(client), "deelpoort_log_ongetekend_records") == 0
    assert waarde(scrape(client), "deelpoort_checkpoints_getekend_total") >= 1


def test_labels_never_carry_an_id_or_what_a_caller_sent(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str
) -> None:
    client.get(f"/v1/casussen/{casus['id']}/plan", headers=bearer(procesregisseur))
    client.get("/v1/personen/999900110?naam=Jansen")
    client.open("/v1/partners", method="JANSEN")
    tekst = scrape(client)
    for waarde_ in (casus["id"], "999900110", "Jansen", "JANSEN", "naam="):
        assert waarde_ not in tekst
    assert waarde(tekst, "deelpoort_http_verzoeken_total", route="onbekend", methode="GET", status="404") == 1
    assert waarde(tekst, "deelpoort_http_verzoeken_total", route="onbekend", methode="ANDERS", status="405") == 1


def test_a_failing_log_batch_is_counted(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    voor = waarde(scrape(client), "deelpoort_log_batch_fouten_total")
    with log_weigert(services.engine):
        assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 503
    assert waarde(scrape(client), "deelpoort_log_batch_fouten_total") == voor + 1
