"""What the demo's beheer year tells its verstrekkingen (`demo/beheerjaar.Beheerjaar`): who could ask when, and
under which policy version; the rest is tested on the installed demo (tests/verantwoording/test_demo_verleden.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any, cast

from service.demo.beheerjaar import Beheerjaar
from service.domain.casus import Gebruiker

T0 = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
DAG = dt.timedelta(days=1)
KOPPELING = Gebruiker("a" * 32, "mee-drenthe", "deelnemer", "deelnemer 1 (MEE Drenthe)", True, "systeem")
ANDER = Gebruiker("b" * 32, "ggd-drenthe", "deelnemer", "deelnemer 1 (GGD Drenthe)", True, "systeem")


def _jaar() -> Beheerjaar:
    return Beheerjaar(
        [(T0, "v1"), (T0 + 30 * DAG, "v2"), (T0 + 90 * DAG, "v1")],
        actief_vanaf={KOPPELING.id: T0 + DAG, ANDER.id: T0},
        schorsingen={"mee-drenthe": (T0 + 50 * DAG, T0 + 55 * DAG)},
    )


def test_a_gebruiker_asks_only_once_it_exists_and_never_while_its_partner_is_suspended() -> None:
    jaar = _jaar()
    assert not jaar.mag_vragen(KOPPELING, T0)  # before it was created
    assert jaar.mag_vragen(KOPPELING, T0 + DAG)
    assert not jaar.mag_vragen(KOPPELING, T0 + 50 * DAG)  # suspended [van, tot)
    assert not jaar.mag_vragen(KOPPELING, T0 + 55 * DAG - dt.timedelta(seconds=1))
    assert jaar.mag_vragen(KOPPELING, T0 + 55 * DAG)
    assert jaar.mag_vragen(ANDER, T0 + 52 * DAG)  # another partner is not suspended
    onbekend = Gebruiker("c" * 32, "ggd-drenthe", "deelnemer", "?", True, "systeem")
    assert not jaar.mag_vragen(onbekend, T0 + 100 * DAG)  # a gebruiker the year never created


def test_the_version_at_a_moment_and_the_uow_answering_as_then() -> None:
    jaar = _jaar()
    assert [jaar.versie_op(T0 + n * DAG) for n in (0, 29, 30, 89, 90, 300)] == ["v1", "v1", "v2", "v2", "v1", "v1"]
    echt = SimpleNamespace(active_version=lambda: "v1", load=lambda versie: f"geladen {versie}")
    uow = SimpleNamespace(beleid=echt)
    with jaar.beleid_op(cast(Any, uow), T0 + 40 * DAG):
        assert uow.beleid.active_version() == "v2"
        assert uow.beleid.load("v2") == "geladen v2"  # everything else is the real port's
    assert uow.beleid is echt  # restored after the block
