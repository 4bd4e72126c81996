"""Onderwerpen as the seeds use them: the convenant lists them (section `onderwerpen`), a casus has a
hoofdonderwerp (the aanmelding's `onderwerp`, as before) and nevenonderwerpen from that list; anything else is
400 naming its place, with nothing stored. Migration 0019 moved stored casussen off the old id `overig`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.adapters.database import make_engine
from service.adapters.migrate import upgrade
from service.adapters.orm import CasusRow
from service.convenant import ConvenantError, parse_convenant_text
from service.domain.convenant import Convenant
from service.service_layer.services import Services
from tests.helpers.casus import aanmelding, bearer, post, refer

SEEDS = {
    "verward-gedrag",
    "ernstige-overlast",
    "radicalisering",
    "burenruzie",
    "huiselijk-geweld",
    "stalking",
    "mensenhandel",
    "zeden",
    "high-impact-crime",
    "jeugd",
    "nazorg-ex-gedetineerden",
    "overige-veiligheid-omgeving",
    "bestuurlijke-informatie-justitiabelen",
}


def test_the_drenthe_convenant_lists_the_onderwerpen_of_the_seeds(convenant: Convenant) -> None:
    assert convenant.ids("onderwerp") == SEEDS


def test_a_casus_has_a_hoofdonderwerp_and_nevenonderwerpen(client: FlaskClient, politie: str) -> None:
    created = refer(client, politie, onderwerp="huiselijk-geweld", nevenonderwerpen=["stalking", "jeugd"])
    assert (created["onderwerp"], created["nevenonderwerpen"]) == ("huiselijk-geweld", ["stalking", "jeugd"])
    read = client.get(f"/v1/casussen/{created['id']}", headers=bearer(politie)).get_json()
    assert (read["onderwerp"], read["nevenonderwerpen"]) == ("huiselijk-geweld", ["stalking", "jeugd"])
    listed = client.get("/v1/casussen", headers=bearer(politie)).get_json()["casussen"]
    assert [c["nevenonderwerpen"] for c in listed] == [["stalking", "jeugd"]]


def test_the_old_onderwerp_alone_still_works_and_overig_is_read_as_its_successor(
    client: FlaskClient, politie: str
) -> None:
    assert refer(client, politie)["nevenonderwerpen"] == []  # `aanmelding()` names only `onderwerp`
    assert refer(client, politie, onderwerp="overig")["onderwerp"] == "overige-veiligheid-omgeving"


INVALID: dict[str, tuple[dict[str, Any], set[str]]] = {
    "unknown-hoofdonderwerp": ({"onderwerp": "vuurwerk"}, {"onderwerp"}),
    "unknown-nevenonderwerp": ({"nevenonderwerpen": ["zeden", "vuurwerk"]}, {"nevenonderwerpen[1]"}),
    "neven-is-hoofd": ({"nevenonderwerpen": ["verward-gedrag"]}, {"nevenonderwerpen[0]"}),
    "neven-twice": ({"nevenonderwerpen": ["zeden", "zeden"]}, {"nevenonderwerpen[1]"}),
    "too-many": ({"nevenonderwerpen": sorted(SEEDS - {"verward-gedrag"})[:6]}, {"nevenonderwerpen"}),
    "too-long": ({"nevenonderwerpen": ["x" * 41]}, {"nevenonderwerpen.0"}),
}


@pytest.mark.parametrize(("overrides", "names"), INVALID.values(), ids=INVALID.keys())
def test_an_onderwerp_outside_the_list_is_400_naming_its_place_and_stores_nothing(
    client: FlaskClient, services: Services, politie: str, overrides: dict[str, Any], names: set[str]
) -> None:
    response = post(client, politie, "/v1/casussen", aanmelding(**overrides))
    assert response.status_code == 400, response.get_json()
    assert {p["name"] for p in response.get_json()["invalidParams"]} == names
    with services.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(CasusRow)) == 0


def test_the_convenant_refuses_an_onderwerp_with_an_unknown_key_or_a_long_id() -> None:
    header = 'convenant: {id: t, naam: T, versie: "1", regio: drenthe, casustype: regulier}\n'
    with pytest.raises(ConvenantError) as caught:
        parse_convenant_text(
            [
                (
                    "o.yaml",
                    header
                    + "onderwerpen:\n  - {id: zeden, naam: Zeden, kleur: rood}\n  - {id: "
                    + "a" * 41
                    + ", naam: A}\n",
                )
            ]
        )
    messages = [str(p) for p in caught.value.problems]
    assert any("onderwerpen[0] (id 'zeden')" in m and "kleur" in m for m in messages), messages
    assert any("onderwerpen[1]" in m and "at most 40" in m for m in messages), messages


def test_migration_0019_moves_stored_casussen_off_overig(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0018")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO partners (id, oin, naam, type, actief) VALUES ('p', '00000099000000000001', 'P', 't', true)"
        )
        for casus_id, onderwerp in (("a" * 32, "overig"), ("b" * 32, "stalking")):
            connection.execute(
                CasusRow.__table__.insert().values(
                    id=casus_id,
                    casustype="regulier",
                    fase="aanmelding",
                    gemeente="assen",
                    onderwerp=onderwerp,
                    aanmelder="p",
                    aangemeld_op=now,
                    gewijzigd_op=now,
                )
            )
    upgrade(engine)
    with engine.connect() as connection:
        stored = dict(connection.execute(select(CasusRow.id, CasusRow.onderwerp)).all())
    engine.dispose()
    assert stored == {"a" * 32: "overige-veiligheid-omgeving", "b" * 32: "stalking"}
