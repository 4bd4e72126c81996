"""The AVE-fase (1-4) of a casus about verward gedrag: set by its regie only, refused for any other onderwerp, and
every change in the casus's history with who, when, from and to."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.adapters.orm import AveFaseRow, GebeurtenisRow
from service.service_layer.services import Services
from tests.helpers.casus import bearer, post
from tests.helpers.plan import in_procesregie, lees


def _zet(client: FlaskClient, token: str, casus_id: str, **body: Any) -> Any:
    return post(client, token, f"/v1/casussen/{casus_id}/avefase", body)


def _stand(services: Services) -> tuple[int, int]:
    with services.engine.connect() as connection:
        return (
            int(connection.scalar(select(func.count()).select_from(AveFaseRow)) or 0),
            int(connection.scalar(select(func.count()).select_from(GebeurtenisRow)) or 0),
        )


def test_the_ave_fase_is_set_with_its_history(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str, ggz: str
) -> None:
    assert lees(client, ggz, casus["id"]).get_json()["aveFase"] is None
    eerste = _zet(client, procesregisseur, casus["id"], fase=2, toelichting="Synthetisch: zorgen nemen toe.")
    assert eerste.status_code == 201, eerste.get_json()
    assert (eerste.get_json()["handeling"], eerste.get_json()["gegevens"]) == ("ave-fase", {"van": None, "naar": 2})
    assert _zet(client, procesregisseur, casus["id"], fase=3).status_code == 201
    plan = lees(client, ggz, casus["id"]).get_json()
    assert plan["aveFase"]["fase"] == 3
    assert [(h["van"], h["naar"], h["partner"], h["rol"]) for h in plan["aveHistorie"]] == [
        (None, 2, "bureau-zvh-drenthe", "procesregisseur"),
        (2, 3, "bureau-zvh-drenthe", "procesregisseur"),
    ]
    historie = client.get(f"/v1/casussen/{casus['id']}/historie", headers=bearer(ggz)).get_json()["gebeurtenissen"]
    ave = [e for e in historie if e["handeling"] == "ave-fase"]
    assert [e["toelichting"] for e in ave] == ["Synthetisch: zorgen nemen toe.", None]


def test_only_a_casus_about_verward_gedrag_has_an_ave_fase(
    client: FlaskClient, services: Services, politie: str, procesregisseur: str
) -> None:
    burenruzie = in_procesregie(client, politie, procesregisseur, onderwerp="burenruzie")
    voor = _stand(services)
    response = _zet(client, procesregisseur, burenruzie["id"], fase=1)
    assert response.status_code == 409
    assert "verward-gedrag" in response.get_json()["detail"]
    assert _stand(services) == voor


@pytest.mark.parametrize(
    ("wie", "body", "status"),
    [
        ("ggz", {"fase": 2}, 403),
        ("buitenstaander", {"fase": 2}, 404),
        ("procesregisseur", {"fase": 5}, 400),
        ("procesregisseur", {"fase": "2"}, 400),
        ("procesregisseur", {"fase": 1}, 409),  # already in fase 1
    ],
    ids=["deelnemer", "buitenstaander", "buiten-1-4", "geen-getal", "zelfde-fase"],
)
def test_who_and_what_may_set_it(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    request: pytest.FixtureRequest,
    wie: str,
    body: dict[str, Any],
    status: int,
) -> None:
    assert _zet(client, procesregisseur, casus["id"], fase=1).status_code == 201
    voor = _stand(services)
    response = _zet(client, request.getfixturevalue(wie), casus["id"], **body)
    assert response.status_code == status, response.get_json()
    if status == 400:
        assert [p["name"] for p in response.get_json()["invalidParams"]] == ["fase"]
    assert _stand(services) == voor
