"""The installed demo region holds a year of overleggen and the next four weeks': stored as generated, the
coming ones on the Bureau's agenda without attendance, and its verstrekkingen in an overleg (over the past year,
each on the overleg's day) each made by a partner recorded as attending that agendapunt; the procesregisseur's
pages have work to show."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from flask import Flask

from service.audit.record import parse
from service.domain.casus import Gebruiker
from service.domain.overleg import OVERLEGDOEL
from service.service_layer.overleg import overleggen
from service.service_layer.services import Services
from tests.bureau.conftest import ingelogd, tekst
from tests.helpers.databases import Demo

BUREAU = "bureau-zvh-drenthe"


def test_the_installed_demo_holds_its_overleggen_and_shares_in_them_only_with_who_attended(
    app: Flask, services: Services, demo: Demo
) -> None:
    now, region = demo.now, demo.region
    vandaag = now.date()
    gebruikers = [Gebruiker(c.gebruiker, c.partner, c.rol, c.naam) for c in demo.credentials]
    regisseur = next(g for g in gebruikers if g.partner_id == BUREAU and g.rol == "procesregisseur")

    with services.uow() as uow:
        opgeslagen = uow.overleggen.lijst(
            vandaag - dt.timedelta(days=400), vandaag + dt.timedelta(days=60), partner=BUREAU
        )
    dit_jaar = [o for o in region.overleggen if o.datum >= vandaag - dt.timedelta(days=400)]  # not 2023's
    assert sorted(opgeslagen, key=lambda o: o.id) == sorted(
        dit_jaar, key=lambda o: o.id
    )  # stored whole: agenda, attendance, verklaringen
    per_soort = Counter(o.soort for o in opgeslagen)
    assert per_soort["casusoverleg"] >= 52 and per_soort["procesregieoverleg"] >= 26
    assert per_soort["cter-casustafel"] >= 1 and sum(per_soort.values()) >= 140
    komend = overleggen.agenda(services, regisseur, vandaag, vandaag + dt.timedelta(days=27))
    assert komend and all(o.datum >= vandaag for o in komend)
    assert all(u.aanwezig is None for o in komend for p in o.agenda for u in p.uitnodigingen)
    assert sum(len(o.agenda) for o in komend) >= 10

    with services.uow() as uow:
        in_overleg = [r for r in (parse(s.record) for s in uow.log.records()) if "overleg" in r]
        besproken = {o.id: o for o in uow.overleggen.lijst(vandaag - dt.timedelta(days=400), vandaag, partner=BUREAU)}
    assert len(in_overleg) >= 20
    for record in in_overleg:
        assert record["doel"] == OVERLEGDOEL and record["uitkomst"] != "geweigerd", record
        assert record["tijd"][:10] == besproken[record["overleg"]].datum.isoformat(), record  # asked on its day
        punt = besproken[record["overleg"]].agendapunt(record["casus"])
        uitnodiging = punt.uitnodiging(record["partner"]) if punt is not None else None
        assert uitnodiging is not None and uitnodiging.aanwezig is True, record

    client = ingelogd(app, next(c.token for c in demo.credentials if c.gebruiker == regisseur.id))
    werkvoorraad = tekst(client.get("/bureau/"))
    verlopen = re.search(r'id="aantal-verlopen">(\d+)<', werkvoorraad)
    assert verlopen and int(verlopen.group(1)) > 0
    agenda = tekst(client.get("/bureau/agenda"))
    assert agenda.count('<section class="overleg"') == len(komend)
