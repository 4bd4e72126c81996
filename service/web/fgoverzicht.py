"""The FG's overview page (`/fg/`): the log's counts broken down per uitkomst, doel, grondslag, partner and month,
signals and integrity at a glance, every count a link to the records behind it (issue 24.3).

Invariants:
- Every count on the page is a link to `/fg/verstrekkingen` with the selection that count was made with, so the
  list it opens says the same total (the list counts with the same `Selectie`, in the FG's scope).
- Nothing here reads a record: counts and the integrity summary only (the quick check is O(log n)); the
  witnesses are not asked from here (a network call per view), only on the integrity page.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for

from service.service_layer.logboek import integriteit as integriteit_service
from service.service_layer.verantwoording import signalering
from service.settings import Settings
from service.web import nederlands
from service.web.grafieken import horizontaal, verticaal
from service.web.sessie import app_services, gebruiker

# What each uitkomst means, for the FG who has to explain it (the codes are the log's own).
UITKOMSTEN = {
    "verstrekt": ("verstrekt", "alles wat gevraagd (of toegestaan) was, is verstrekt"),
    "gedeeltelijk": ("gedeeltelijk", "een deel is verstrekt, de rest onthouden (geen grondslag, beperking of uitstel)"),
    "leeg": (
        "leeg",
        "er is niets verstrekt: van wat gevraagd werd mocht niets, of er stonden geen waarden; het verzoek is wel "
        "vastgelegd, zodat ook dit te verantwoorden is",
    ),
    "geweigerd": ("geweigerd", "geweigerd voordat een veld werd bekeken (bijvoorbeeld geen deelnemer aan de casus)"),
    "vernietigd": ("vernietigd", "de gegevens van een casus zijn vernietigd (bewaartermijn of besluit)"),
    "geimporteerd": ("geïmporteerd", "historie uit een eerder systeem ingelezen"),
}


@dataclass(frozen=True, slots=True)
class Telling:
    """One count on the page with the link to its records."""

    naam: str
    code: str
    aantal: int
    href: str
    uitleg: str = ""


def overzicht_pagina(settings: Settings) -> Any:
    """The rendered overview."""
    services, wie = app_services(), gebruiker()
    data = signalering.overzicht(services, wie)
    lijst = "fg.verstrekkingen"
    per_uitkomst = [
        Telling(UITKOMSTEN.get(u, (u, ""))[0], u, n, url_for(lijst, uitkomst=u), UITKOMSTEN.get(u, (u, ""))[1])
        for u, n in data.per_uitkomst.items()
        if n > 0
    ]
    per_doel = [Telling(naam, ident, n, url_for(lijst, doel=ident)) for ident, naam, n in data.per_doel]
    per_grondslag = [Telling(naam, ident, n, url_for(lijst, grondslag=ident)) for ident, naam, n in data.per_grondslag]
    per_partner = [Telling(naam, ident, n, url_for(lijst, partner=ident)) for ident, naam, n in data.per_partner]
    per_maand = [
        Telling(nederlands.maand(m), m, n, url_for(lijst, van=van, tot=tot))
        for m, n in data.per_maand
        for van, tot in (_maand(m),)
    ]
    signalen = signalering.signalen(services, wie, signalering.drempels_uit(settings))
    integriteit = integriteit_service.in_een_oogopslag(services, wie)  # no witness asked: they are on /integriteit
    return render_template(
        "fg/overzicht.html",
        titel="Overzicht",
        data=data,
        totaal=Telling("alle", "", data.totaal, url_for(lijst)),
        per_uitkomst=per_uitkomst,
        per_doel=per_doel,
        per_grondslag=per_grondslag,
        per_partner=per_partner,
        per_maand=per_maand,
        grafiek_partner=horizontaal("Verstrekkingen per partner", [(t.naam, t.aantal) for t in per_partner]),
        grafiek_maand=verticaal("Verstrekkingen per maand", [(t.naam, t.aantal) for t in per_maand]),
        signalen=signalen,
        integriteit=integriteit,
    )


def _maand(jaar_maand: str) -> tuple[str, str]:
    """The list's filter for one calendar month, "2026-11": its first and last day (the list includes both)."""
    jaar, maand = (int(deel) for deel in jaar_maand.split("-"))
    laatste = calendar.monthrange(jaar, maand)[1]
    return dt.date(jaar, maand, 1).isoformat(), dt.date(jaar, maand, laatste).isoformat()
