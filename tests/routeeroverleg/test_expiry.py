"""Expiry: `deelpoort retention run` deletes unmatched signals and decided matches after their bewaartermijn,
and nothing else (open matches wait for their besluit; fresh signals and recent besluiten stay)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from click.testing import CliRunner

from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.routeeroverleg import RouteerInstellingen
from service.service_layer.routeeroverleg import overleg as routeeroverleg
from service.service_layer.routeeroverleg.overleg import BesluitInvoer, besluit_vastleggen, signaal_indienen, verlopen
from service.service_layer.services import Services
from service.settings import Settings, SettingsError
from tests.helpers.routeeroverleg import GGD, VT, ZVH, pseudoniem_van

NOW = utcnow()
TERMIJN = 6  # weeks, the default


def _user(partner: str) -> Gebruiker:
    return Gebruiker(new_id(), partner, "procesregisseur" if partner == ZVH else "casusregisseur", "test")


def _signal(services: Services, partner: str, person: int, days_ago: int, *, now: dt.datetime | None = None) -> str:
    """A signal dated `days_ago` days before NOW, submitted at `now` (default: at most a week after its date)."""
    submitted = now or NOW - dt.timedelta(days=max(0, days_ago - 7))
    body = {
        "pseudoniem": pseudoniem_van(person),
        "risicoIndicatie": "hoog",
        "contactpunt": "0592 111 111 1",
        "signaaldatum": (NOW.date() - dt.timedelta(days=days_ago)).isoformat(),
    }
    return signaal_indienen(services, _user(partner), body, routeeroverleg.demo_trace(), now=submitted).id


def _state(services: Services) -> tuple[set[str], set[str]]:
    """(ids of stored signals, ids of stored matches)."""
    signals: set[str] = set()
    found: set[str] = set()
    with services.uow() as uow:
        for person in range(8):
            for s in uow.routeeroverleg.signalen(pseudoniem_van(person)):
                signals.add(s.id)
                if s.match_id:
                    found.add(s.match_id)
    return signals, found


def _decide(services: Services, partner: str, match_id: str, when: dt.datetime) -> None:
    invoer = BesluitInvoer("oggz", GGD, "avg-6-1-e-wgs", "OGGZ neemt regie.")
    besluit_vastleggen(services, _user(partner), match_id, invoer, routeeroverleg.demo_trace(), now=when)


def _match_of(services: Services, partner: str) -> list[str]:
    with services.uow() as uow:
        return [m.id for m in uow.routeeroverleg.matches_voor(partner)]


def test_expiry_deletes_what_it_should_and_nothing_else(services: Services) -> None:
    old_unmatched = _signal(services, GGD, 0, days_ago=TERMIJN * 7 + 1)
    young_unmatched = _signal(services, GGD, 1, days_ago=TERMIJN * 7 - 1)

    long_ago = NOW - dt.timedelta(weeks=TERMIJN, days=1)
    a = _signal(services, GGD, 2, days_ago=TERMIJN * 7 + 1, now=long_ago)
    b = _signal(services, VT, 2, days_ago=TERMIJN * 7 + 1, now=long_ago)
    [old_match] = _match_of(services, VT)
    _decide(services, VT, old_match, long_ago)

    c = _signal(services, GGD, 3, days_ago=2)
    d = _signal(services, ZVH, 3, days_ago=1)
    recent_match = next(m for m in _match_of(services, ZVH))
    _decide(services, ZVH, recent_match, NOW - dt.timedelta(weeks=TERMIJN - 1))

    e = _signal(services, VT, 4, days_ago=TERMIJN * 7 + 5)  # an open match, however old, waits for its besluit
    f = _signal(services, ZVH, 4, days_ago=TERMIJN * 7 + 5)
    open_match = next(m for m in _match_of(services, ZVH) if m != recent_match)

    before_signals, before_matches = _state(services)
    assert {old_unmatched, young_unmatched, a, b, c, d, e, f} == before_signals

    result = verlopen(services, now=NOW)

    signals, found = _state(services)
    assert signals == {young_unmatched, c, d, e, f}
    assert found == {recent_match, open_match} == before_matches - {old_match}
    assert (result.signalen, result.matches) == (3, 1)
    assert verlopen(services, now=NOW) == routeeroverleg.Verlopen(0, 0)  # idempotent


def test_a_signal_on_the_last_day_of_its_bewaartermijn_stays(services: Services) -> None:
    kept = _signal(services, GGD, 0, days_ago=TERMIJN * 7)
    verlopen(services, now=NOW)
    assert _state(services)[0] == {kept}
    verlopen(services, now=NOW + dt.timedelta(days=1))
    assert _state(services)[0] == set()


def test_a_shorter_configured_bewaartermijn_is_honoured(services: Services) -> None:
    short = dataclasses.replace(services, routeeroverleg=RouteerInstellingen(venster_dagen=7, bewaartermijn_weken=1))
    kept = _signal(short, GGD, 0, days_ago=6)
    gone = _signal(short, GGD, 1, days_ago=8, now=NOW - dt.timedelta(days=2))
    verlopen(services, now=NOW)  # under the default six weeks both stay
    assert _state(services)[0] == {kept, gone}
    verlopen(short, now=NOW)
    assert _state(services)[0] == {kept}


def test_retention_run_command_reports_the_routeeroverleg(services: Services, cli_settings: Settings) -> None:
    from service.cli import main

    _signal(services, GGD, 0, days_ago=TERMIJN * 7 + 3)
    result = CliRunner().invoke(main, ["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "routeeroverleg: 1 signaal/signalen en 0 besloten match(es) verwijderd" in result.output
    assert _state(services)[0] == set()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN": "0"}, "DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN: must be positive"),
        ({"DEELPOORT_ROUTEEROVERLEG_BEWAARTERMIJN_WEKEN": "x"}, "BEWAARTERMIJN_WEKEN: must be a whole number"),
        (
            {"DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN": "30", "DEELPOORT_ROUTEEROVERLEG_BEWAARTERMIJN_WEKEN": "4"},
            "must cover",
        ),
    ],
    ids=["zero-window", "not-a-number", "termijn-shorter-than-window"],
)
def test_bad_routeeroverleg_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_routeeroverleg_settings_are_read() -> None:
    settings = Settings.from_env(
        {"DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN": "14", "DEELPOORT_ROUTEEROVERLEG_BEWAARTERMIJN_WEKEN": "3"}
    )
    assert (settings.routeeroverleg_venster_dagen, settings.routeeroverleg_bewaartermijn_weken) == (14, 3)
