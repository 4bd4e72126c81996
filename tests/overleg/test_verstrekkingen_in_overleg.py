"""What is shared in an overleg: a verstrekking with doel casusoverleg naming it, only to attending partners."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.service_layer.logboek.controle import verifieer
from service.service_layer.services import Services
from tests.helpers.casus import ZORGPARTNER, bearer, post, vraag
from tests.helpers.overleg import GGZ, POLITIE, aanwezig, agendeer, bijgewoond, maak_overleg, overleg_records, vraag_in
from tests.helpers.web import login


def test_every_verstrekking_in_an_overleg_names_it_and_is_refused_for_absent_partners(
    client: FlaskClient,
    services: Services,
    procesregisseur: str,
    politie_deelnemer: str,
    in_procesregie: dict[str, Any],
) -> None:
    casus = in_procesregie["id"]
    overleg = maak_overleg(client, procesregisseur)
    assert agendeer(client, procesregisseur, overleg, casus, [POLITIE]).status_code == 201

    niet_vastgelegd = vraag_in(client, politie_deelnemer, casus, overleg["id"])
    assert niet_vastgelegd.status_code == 403, niet_vastgelegd.get_json()
    assert aanwezig(client, procesregisseur, overleg, casus, POLITIE, aanwezig=False).status_code == 200
    afwezig = vraag_in(client, politie_deelnemer, casus, overleg["id"])
    assert afwezig.status_code == 403
    assert aanwezig(client, procesregisseur, overleg, casus, POLITIE).status_code == 200
    gegeven = vraag_in(client, politie_deelnemer, casus, overleg["id"])
    assert gegeven.status_code == 201, gegeven.get_json()
    assert gegeven.get_json()["betrokkenen"]  # identification etc. under the casusoverleg policy

    logged = overleg_records(services, overleg["id"])
    assert [(r["uitkomst"], r["weigering"]) for r in logged] == [
        ("geweigerd", "afwezig"),
        ("geweigerd", "afwezig"),
        (gegeven.get_json()["uitkomst"], None),
    ]
    assert {(r["partner"], r["doel"], r["casus"]) for r in logged} == {(POLITIE, "casusoverleg", casus)}
    assert not any(r["verstrekt"] for r in logged[:2])
    assert verifieer(services).ok


def test_an_incidental_participant_without_a_recorded_verklaring_receives_nothing(
    client: FlaskClient, services: Services, procesregisseur: str, ggd: str, in_procesregie: dict[str, Any]
) -> None:
    casus = in_procesregie["id"]
    overleg = maak_overleg(client, procesregisseur)
    assert agendeer(client, procesregisseur, overleg, casus, [ZORGPARTNER]).status_code == 201
    assert aanwezig(client, procesregisseur, overleg, casus, ZORGPARTNER, incidenteel=True).status_code == 200

    zonder = vraag_in(client, ggd, casus, overleg["id"])
    assert zonder.status_code == 403
    assert "velden" not in zonder.get_json() and "betrokkenen" not in zonder.get_json()
    verklaring = post(
        client, procesregisseur, f"/v1/overleggen/{overleg['id']}/geheimhoudingsverklaringen", {"partner": ZORGPARTNER}
    )
    assert verklaring.status_code == 201
    met = vraag_in(client, ggd, casus, overleg["id"])
    assert met.status_code == 201, met.get_json()

    # With its verklaring it gets exactly what the policy gives this partner as a deelnemer for casusoverleg.
    gewoon = vraag(client, ggd, casus, doel="casusoverleg")
    assert gewoon.status_code == 201
    for key in ("betrokkenen", "velden", "grondslagen", "onthouden"):
        assert met.get_json()[key] == gewoon.get_json()[key], key
    assert "psychischeGezondheid" in met.get_json()["grondslagen"]  # a care partner: health data too

    logged = overleg_records(services, overleg["id"])
    assert [r["weigering"] for r in logged] == ["geheimhouding", None]
    assert logged[0]["verstrekt"] == [] and logged[0]["betrokkenen"] == []
    assert verifieer(services).ok


def test_in_an_overleg_only_casusoverleg_is_asked_and_only_for_a_casus_on_its_agenda(
    client: FlaskClient,
    services: Services,
    procesregisseur: str,
    politie_deelnemer: str,
    in_procesregie: dict[str, Any],
) -> None:
    casus = in_procesregie["id"]
    overleg = {"id": bijgewoond(client, procesregisseur, casus, POLITIE)}
    ander = maak_overleg(client, procesregisseur, "stalking")

    doel = vraag_in(client, politie_deelnemer, casus, overleg["id"], doel="plan-van-aanpak")
    assert doel.status_code == 400
    assert {p["name"] for p in doel.get_json()["invalidParams"]} == {"overleg"}
    assert vraag_in(client, politie_deelnemer, casus, ander["id"]).status_code == 404  # not on that agenda
    assert vraag_in(client, politie_deelnemer, casus, "f" * 32).status_code == 404  # no such overleg
    assert vraag_in(client, politie_deelnemer, casus, "niet-een-id").status_code == 404

    logged = [r for r in _records_of(services, casus) if r.get("weigering") == "overleg"]
    assert len(logged) == 4
    assert [r.get("overleg") for r in logged] == [overleg["id"], ander["id"], "f" * 32, None]  # never a caller's text
    assert verifieer(services).ok


def test_records_without_an_overleg_have_no_overleg_key(
    client: FlaskClient, services: Services, politie_deelnemer: str, in_procesregie: dict[str, Any]
) -> None:
    assert vraag(client, politie_deelnemer, in_procesregie["id"], doel="casusoverleg").status_code == 201
    assert all("overleg" not in r for r in _records_of(services, in_procesregie["id"]))


def test_the_fg_sees_which_overleg_a_verstrekking_was_made_in(
    client: FlaskClient,
    services: Services,
    procesregisseur: str,
    politie_deelnemer: str,
    fg: str,
    in_procesregie: dict[str, Any],
) -> None:
    casus = in_procesregie["id"]
    overleg = bijgewoond(client, procesregisseur, casus, POLITIE)
    assert vraag_in(client, politie_deelnemer, casus, overleg).status_code == 201
    response = client.get(f"/v1/verantwoording/verstrekkingen?casus={casus}&doel=casusoverleg", headers=bearer(fg))
    assert response.status_code == 200, response.get_json()
    assert [r["overleg"] for r in response.get_json()["verstrekkingen"]] == [overleg]
    login(client, fg)
    pagina = client.get(f"/fg/verstrekkingen?casus={casus}&doel=casusoverleg")
    assert pagina.status_code == 200
    assert f"(overleg {overleg[:8]})" in pagina.get_data(as_text=True)


def test_cter_overleggen_follow_the_cter_rules_on_every_path(
    client: FlaskClient,
    services: Services,
    procesregisseur: str,
    politie: str,
    ggz: str,
    token_for: Any,
    cter_casus: dict[str, Any],
) -> None:
    casus = cter_casus["id"]
    tafel = maak_overleg(client, procesregisseur, "cter-casustafel")
    assert tafel["casustype"] == "cter"
    # Only partners that take part under the CTER rules are invited: the GGD signed no invitation here.
    assert agendeer(client, procesregisseur, tafel, casus, [POLITIE, ZORGPARTNER]).status_code == 404
    assert agendeer(client, procesregisseur, tafel, casus, [POLITIE, GGZ]).status_code == 201
    assert aanwezig(client, procesregisseur, tafel, casus, GGZ).status_code == 200
    # A partner of the CTER convenant that was never invited to the casus is refused as an outsider everywhere.
    reclassering = token_for("reclassering-nederland", "deelnemer")
    assert aanwezig(client, procesregisseur, tafel, casus, "reclassering-nederland").status_code == 404
    assert vraag_in(client, reclassering, casus, tafel["id"]).status_code == 404

    gegeven = vraag_in(client, ggz, casus, tafel["id"])
    assert gegeven.status_code == 201, gegeven.get_json()
    assert {g["grondslag"] for g in gegeven.get_json()["grondslagen"].values()} <= {"wet-pga-3", "wpg-20"}
    # The weegploeg's politie is invited but not recorded as attending: refused.
    politie_deelnemer = token_for(POLITIE, "deelnemer")
    assert vraag_in(client, politie_deelnemer, casus, tafel["id"]).status_code == 403
    # Withdrawing GGZ's CTER invitation ends what it receives in the overleg at once.
    ingetrokken = client.delete(f"/v1/casussen/{casus}/deelnemers", json={"partner": GGZ}, headers=bearer(politie))
    assert ingetrokken.status_code == 200, ingetrokken.get_json()
    assert vraag_in(client, ggz, casus, tafel["id"]).status_code == 404

    logged = overleg_records(services, tafel["id"])
    assert {r["casustype"] for r in logged if r["casustype"]} == {"cter"}
    assert [r["weigering"] for r in logged] == ["geen-deelnemer", None, "afwezig", "geen-deelnemer"]
    assert verifieer(services).ok


def _records_of(services: Services, casus: str) -> list[dict[str, Any]]:
    from tests.helpers.routeeroverleg import records

    return [r for r in records(services) if r.get("casus") == casus and r.get("soort") == "verstrekking"]
