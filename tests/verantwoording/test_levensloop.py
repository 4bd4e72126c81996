"""The casus timeline shows the lifecycle beside the records (issue 24.2): codes only, and a partner's FG sees only
the steps its own organisation took."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from service.domain.casus import Gebruiker
from service.service_layer.services import Services
from service.service_layer.verantwoording.levensloop import levensloop
from tests.helpers.casus import refer
from tests.helpers.gebruikers import TokenFor
from tests.helpers.web import html, login

AANMELDER = "politie-noord-nederland"


def test_the_bureau_fg_sees_every_step_a_partners_fg_only_its_own(
    app: Flask, client: FlaskClient, services: Services, token_for: TokenFor, politie: str
) -> None:
    casus = refer(client, politie)
    bureau = Gebruiker("fg-b", "bureau-zvh-drenthe", "fg", "fg-b")
    eigen = Gebruiker("fg-p", AANMELDER, "fg", "fg-p")
    ander = Gebruiker("fg-g", "ggd-drenthe", "fg", "fg-g")
    stappen = levensloop(services, bureau, casus["id"])
    assert [s.handeling for s in stappen] == ["aanmelding"] and stappen[0].partner == AANMELDER
    assert stappen[0].codes == (("casustype", "regulier"),)  # codes only: no toelichting, no value
    assert levensloop(services, eigen, casus["id"]) == stappen
    assert levensloop(services, ander, casus["id"]) == []  # another partner's step is not its FG's to see
    assert levensloop(services, bureau, "0" * 32) == []

    pagina = app.test_client()
    login(pagina, token_for("bureau-zvh-drenthe", "fg"))
    tijdlijn = html(pagina.get(f"/fg/casussen/{casus['id']}"))
    assert 'data-handeling="aanmelding"' in tijdlijn and "Aangemeld</strong> door Politie" in tijdlijn
