"""What a log record is, in Dutch words for the FG pages: the codes of the log made readable.

Invariants:
- Built from codes and names only (record kind, handeling, onderwerp, partner names); the one free text a page
  shows is a beheerder's toelichting or reden, on the beheer page, as itself.
- A code without a description is shown as the code (never hidden, never guessed): a record of a kind this
  module does not know stays visible as what it says it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.domain.beheer import Handeling, Soort
from service.domain.convenant import Convenant
from service.domain.identiteit import Gebruikershandeling
from service.service_layer.beheer.voorstellen import Gebeurtenis
from service.service_layer.verantwoording.raadplegen import Regel

SOORTEN: dict[str, str] = {
    "verstrekking": "Verstrekking (aan de partner)",
    "aanlevering": "Aanlevering (door de partner, de bron)",
    "vernietiging": "Vernietiging van casusgegevens",
    "import": "Import van historie (het bestand, door de beheerder)",
    "import-casus": "Import van een casus uit het eerdere systeem (met de bronnen)",
    "routeeroverleg": "Uitwisseling in het routeeroverleg",
    "beperking": "Beperking ingesteld (AVG art. 18)",
    "opheffing-beperking": "Beperking opgeheven",
    "uitstel": "Uitstel van informeren",
    "einde-uitstel": "Einde van uitstel van informeren",
    "correctieverzoek": "Verzoek om correctie of verwijdering (AVG art. 16, 17)",
    "afhandeling-correctieverzoek": "Afhandeling van een verzoek om correctie of verwijdering",
}
HANDELINGEN: dict[str, str] = {
    Handeling.VOORSTEL: "Voorstel",
    Handeling.GOEDKEURING: "Goedkeuring",
    Handeling.AFWIJZING: "Afwijzing",
    Handeling.ACTIVERING: "In werking getreden",
    Gebruikershandeling.AANGEMAAKT: "Gebruiker aangemaakt",
    Gebruikershandeling.GESCHORST: "Gebruiker geschorst",
    Gebruikershandeling.HERSTELD: "Schorsing van gebruiker opgeheven",
    Gebruikershandeling.VERWIJDERD: "Gebruiker verwijderd",
    Gebruikershandeling.TOKEN_UITGIFTE: "Token uitgegeven",
    Gebruikershandeling.TOKEN_INTREKKING: "Token ingetrokken",
    Gebruikershandeling.TOKEN_VERNIEUWD: "Token vernieuwd",
}
_GEBRUIKERSVOORSTELLEN: dict[str, str] = {
    Soort.GEBRUIKER_TOEVOEGING: "Nieuwe beheerder of FG",
    Soort.GEBRUIKER_SCHORSING: "Schorsing van een beheerder of FG",
    Soort.GEBRUIKER_HERSTEL: "Opheffen schorsing van een beheerder of FG",
    Soort.GEBRUIKER_VERWIJDERING: "Verwijdering van een beheerder of FG",
}
KORT = 12  # characters of a policy version (a SHA-256 in hex) shown; the whole one is in the title


def soort(regel: Regel) -> str:
    """What a row of the verstrekkingen list is (a record without a kind is a verstrekking of format 1)."""
    code = regel.soort or "verstrekking"
    return SOORTEN.get(code, code)


def handeling(gebeurtenis: Gebeurtenis) -> str:
    return HANDELINGEN.get(gebeurtenis.handeling, gebeurtenis.handeling)


def onderwerp(gebeurtenis: Gebeurtenis, namen: Mapping[str, str], personen: Mapping[str, Any] | None = None) -> str:
    """What the beheer step concerns: the field policy, the suspension of a named partner or its end, or a
    gebruiker (a credential change: every one is in the log, so the FG sees each) by its name when `personen`
    (gebruiker id -> Persoon, `beheer.weergave.personen`) knows it, else by the start of its id."""
    betreft = gebeurtenis.betreft or ""
    partner = namen.get(betreft, betreft)
    if gebeurtenis.onderwerp == Soort.BELEID:
        return "Veldbeleid"
    if gebeurtenis.onderwerp == Soort.PARTNER_SCHORSING:
        return f"Schorsing van {partner}"
    if gebeurtenis.onderwerp == Soort.PARTNER_HERSTEL:
        return f"Opheffen schorsing van {partner}"
    if gebeurtenis.onderwerp == "gebruiker" or gebeurtenis.onderwerp in _GEBRUIKERSVOORSTELLEN:
        wat = _GEBRUIKERSVOORSTELLEN.get(gebeurtenis.onderwerp, "Gebruiker")
        persoon = (personen or {}).get(betreft)
        return f"{wat}: {persoon.naam if persoon is not None else betreft[:8]}"
    return gebeurtenis.onderwerp


def kort(versie: str | None) -> str:
    return (versie or "")[:KORT]


def namen(convenant: Convenant) -> dict[str, dict[str, str]]:
    """The convenant's names per kind of code, for pages that show a name with its code on hover: "veld",
    "doel", "rol", "grondslag", "partner", "partnertype", "va" (verwerkingsactiviteit, its latest version's
    name)."""
    return {
        "veld": {v.id: v.naam for v in convenant.velden},
        "doel": {d.id: d.naam for d in convenant.doelen},
        "rol": {r.id: r.naam for r in convenant.rollen},
        "grondslag": {g.id: g.naam for g in convenant.grondslagen},
        "partner": {p.id: p.naam for p in convenant.partners},
        "partnertype": {t.id: t.naam for t in convenant.partnertypen},
        "va": {a.id: a.naam for a in sorted(convenant.verwerkingsactiviteiten, key=lambda a: a.versie)},
    }
