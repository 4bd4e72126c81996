"""The bronregels over the API (issue 21 item 2): a bron outside them is refused on every write path, naming the
veld, logged, and changing nothing; they are validated with file and line and changed only by four eyes."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.access import PolicyError, load_policy
from service.adapters.orm import BijdrageRow, CasusRow, VeldwaardeRow
from service.audit.record import parse
from service.domain.convenant import Convenant
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT
from tests.helpers.beheer import approve, change, propose
from tests.helpers.casus import ZORGPARTNER, aanmelding, bearer, post
from tests.helpers.gebruikers import add_gebruiker

GEZONDHEID_VAN_ZORG = "p, zorg, *, regulier, bijdrage, gezondheid, avg-9-uavg-30, allow"


def _stand(services: Services) -> tuple[int, ...]:
    with services.engine.connect() as connection:
        return tuple(
            int(connection.scalar(select(func.count()).select_from(t)) or 0)
            for t in (CasusRow, VeldwaardeRow, BijdrageRow)
        )


def _laatste(services: Services) -> dict[str, Any]:
    with services.uow() as uow:
        return parse(list(uow.log.records())[-1].record)


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [("psychischeGezondheid", "signalen"), ("zorgOmschrijving", "Synthetisch."), ("lvb", "vermoeden")],
)
def test_an_aanmelding_with_data_the_referrer_may_not_supply_is_refused_whole(
    client: FlaskClient, services: Services, politie: str, veld: str, waarde: str
) -> None:
    body = aanmelding()
    body["betrokkenen"][0]["velden"][veld] = waarde
    before = _stand(services)
    response = client.post("/v1/casussen", json=body, headers=bearer(politie))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert veld in response.get_json()["detail"] and waarde not in response.get_data(as_text=True)
    assert _stand(services) == before  # no casus, no value, no bijdrage row
    record = _laatste(services)
    assert (record["soort"], record["uitkomst"], record["weigering"], record["onthouden"]) == (
        "aanlevering",
        "geweigerd",
        "bronregel",
        [veld],
    )
    assert record["casus"] is None and record["betrokkenen"] == []


def test_a_bijdrage_of_police_data_by_a_care_partner_is_refused_and_changes_nothing(
    client: FlaskClient, services: Services, casus: dict[str, Any]
) -> None:
    ggd = add_gebruiker(services, ZORGPARTNER, "deelnemer")
    hoofd = next(b["id"] for b in casus["betrokkenen"] if b["rol"] == "hoofdpersoon")
    before = _stand(services)
    velden = {"politieRegistraties": "Synthetisch.", "verslaving": ["alcohol"]}
    response = post(
        client, ggd, f"/v1/casussen/{casus['id']}/bijdragen", {"betrokkenen": [{"id": hoofd, "velden": velden}]}
    )
    assert response.status_code == 403
    assert "politieRegistraties" in response.get_json()["detail"] and "verslaving" not in response.get_json()["detail"]
    assert _stand(services) == before  # the allowed veld was not stored either: all or nothing
    assert _laatste(services)["onthouden"] == ["politieRegistraties"]


def test_the_bronregels_change_only_through_four_eyes(
    client: FlaskClient, services: Services, casus: dict[str, Any], beheerder_a: str, beheerder_b: str
) -> None:
    ggd = add_gebruiker(services, ZORGPARTNER, "deelnemer")
    hoofd = next(b["id"] for b in casus["betrokkenen"] if b["rol"] == "hoofdpersoon")
    pad = f"/v1/casussen/{casus['id']}/bijdragen"
    body = {"betrokkenen": [{"id": hoofd, "velden": {"lvb": "vermoeden"}}]}
    voorstel = propose(client, beheerder_a, **change(verwijderen=[GEZONDHEID_VAN_ZORG]))
    assert voorstel.status_code == 201, voorstel.get_json()
    assert post(client, ggd, pad, body).status_code == 201  # proposed, not yet in force
    assert approve(client, beheerder_a, voorstel.get_json()["id"]).status_code == 403  # not by the proposer
    assert approve(client, beheerder_b, voorstel.get_json()["id"]).status_code == 200
    refused = post(client, ggd, pad, body)
    assert refused.status_code == 403 and "lvb" in refused.get_json()["detail"]


def test_a_bronregel_on_a_ground_that_does_not_cover_the_data_is_refused_with_file_and_line(
    tmp_path: Any, convenant: Convenant
) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "model.conf").write_text((PROJECT_ROOT / "policies" / "model.conf").read_text())
    (policies / "bron.csv").write_text(
        "# a care partner's own ground for police data: there is none\n"
        "p, ggz, *, regulier, bijdrage, politie, avg-9-uavg-30, allow\n"
    )
    with pytest.raises(PolicyError) as raised:
        load_policy(policies, convenant)
    assert any(p.startswith("policies/bron.csv:2: ") and "does not cover" in p for p in raised.value.problems)
