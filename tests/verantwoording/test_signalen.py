"""Anomaly signals: each rule fires above its configured threshold and stays quiet below it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.domain.casus import Gebruiker
from service.domain.verantwoording import Drempels
from service.service_layer.services import Services
from service.service_layer.verantwoording import signalering
from service.settings import Settings, SettingsError
from tests.helpers.casus import bearer
from tests.helpers.verantwoording import Logboek

FG = Gebruiker("f" * 32, "bureau-zvh-drenthe", "fg", "fg test")
QUIET = Drempels(volume_minimum=1000, weigeringen=1000, buiten_kantoortijd=1000)


def _kinds(services: Services, drempels: Drempels, now: dt.datetime | None = None) -> set[tuple[str, str]]:
    return {(s.soort, s.partner) for s in signalering.signalen(services, FG, drempels, now=now)}


def test_quiet_log_gives_no_signals(services: Services, logboek: Logboek) -> None:
    assert _kinds(services, QUIET) == set()


def test_volume_above_the_partners_own_baseline(services: Services, logboek: Logboek) -> None:
    assert ("volume", "politie-noord-nederland") in _kinds(services, dataclasses.replace(QUIET, volume_minimum=2))
    assert ("volume", "bureau-zvh-drenthe") not in _kinds(services, dataclasses.replace(QUIET, volume_minimum=2))


def test_many_refusals(services: Services, logboek: Logboek) -> None:
    assert _kinds(services, dataclasses.replace(QUIET, weigeringen=1)) == {("weigeringen", "politie-noord-nederland")}
    assert _kinds(services, dataclasses.replace(QUIET, weigeringen=2)) == set()


def test_outside_office_hours(services: Services, logboek: Logboek) -> None:
    never_open = dataclasses.replace(QUIET, kantoor_van=0, kantoor_tot=1, buiten_kantoortijd=1)
    now = dt.datetime.now(dt.UTC)
    local_hour = now.astimezone(signalering.AMSTERDAM).hour
    found = _kinds(services, never_open, now + dt.timedelta(seconds=1))
    if local_hour >= 1 or now.astimezone(signalering.AMSTERDAM).weekday() >= 5:
        assert ("buiten-kantoortijd", "politie-noord-nederland") in found
    always_open = dataclasses.replace(QUIET, kantoor_van=0, kantoor_tot=24, buiten_kantoortijd=1)
    weekday = now.astimezone(signalering.AMSTERDAM).weekday() < 5
    if weekday:
        assert _kinds(services, always_open) == set()


def test_partner_no_longer_in_the_convenant(services: Services, logboek: Logboek) -> None:
    with services.uow() as uow:
        uow.partners.sync([p for p in services.convenant.partners if p.id != "politie-noord-nederland"])
        uow.commit()
    assert ("geen-deelnemer", "politie-noord-nederland") in _kinds(services, QUIET)


def test_signals_endpoint_uses_the_configured_thresholds(app: Flask, client: FlaskClient, logboek: Logboek) -> None:
    settings: Settings = app.extensions["deelpoort.settings"]
    app.extensions["deelpoort.settings"] = dataclasses.replace(settings, signaal_weigeringen=1)
    body = client.get("/v1/verantwoording/signalen", headers=bearer(logboek.fg)).get_json()
    assert {"soort": "weigeringen", "partner": "politie-noord-nederland", "aantal": 1, "drempel": 1}.items() <= next(
        s for s in body["signalen"] if s["soort"] == "weigeringen"
    ).items()


@pytest.mark.parametrize("value", ["7-7", "19-07", "a-b", "0-25"])
def test_office_hours_setting_is_validated(value: str) -> None:
    with pytest.raises(SettingsError, match="DEELPOORT_SIGNAAL_KANTOORTIJD"):
        Settings.from_env({"DEELPOORT_SIGNAAL_KANTOORTIJD": value})
