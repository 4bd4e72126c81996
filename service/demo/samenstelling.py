"""What a generated demo casus is made of: the velden per place, the partners that typically join it, and its
nevenonderwerpen. Shared by the region's generators (`regio`, `verslagjaar`).

Invariants:
- Velden are ids of the convenant's veldcatalogus; the generators refuse a veld the catalogue lacks.
- "gemeente-*" in a partner name stands for the partner of the casus's own gemeente (`partner_for`).
- `nevenonderwerpen` draws from the random stream it is given and nothing else, in the casussen's order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Iterable

from service.demo.cijfers import NEVEN_AANDEEL, NEVEN_AANTAL, NEVENONDERWERPEN
from service.domain.casus import Casus
from service.domain.convenant import Casustype, Convenant

# Partners that typically join a casusoverleg besides the aanmelder and the Bureau.
MEEDENKERS = (
    "ggz-drenthe",
    "vnn-verslavingszorg",
    "reclassering-nederland",
    "veilig-thuis-drenthe",
    "politie-noord-nederland",
    "gemeente-*-sociaal-domein",
    "gemeente-*-veiligheid",
    "ggd-drenthe",
    "mee-drenthe",
    "leger-des-heils-welzijn",
)
HOOFDPERSOON_VELDEN = [
    "bsn",
    "voornamen",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "straat",
    "huisnummer",
    "postcode",
    "woonplaats",
    "telefoon",
    "email",
    "huisvesting",
    "schulden",
    "dagbesteding",
    "inkomen",
    "netwerk",
]
SYSTEEMLID_VELDEN = ["bsn", "voornamen", "achternaam", "geboortedatum", "relatieTotHoofdpersoon", "inwonend"]
JUSTITIE_VELDEN = ["strafrechtelijkeAntecedenten", "lopendeStrafzaak", "reclasseringstoezicht"]
POLITIE_VELDEN = ["politieRegistraties", "aantalIncidenten", "wapenbezit"]
CASUS_VELDEN = ["signaalOmschrijving", "aanmeldvraag", "urgentie", "veiligheidsrisico", "risicoOmschrijving"]
PLAN_VELDEN = ["planDoelen", "afspraken", "regiehouder", "evaluatiedatum"]
AFSLUIT_VELDEN = ["afsluitreden", "resultaatOmschrijving"]
CTER_VELDEN = ["radicaliseringsSignalen", "ideologischeOrientatie", "reisbewegingen"]
# How many systeemleden a hoofdpersoon has (0 to 4), as weights, and how each relates to the hoofdpersoon.
SYSTEEMLEDEN = (2, 3, 3, 2, 1)
RELATIES = ("partner", "ex-partner", "kind", "kind", "ouder", "broer-zus")

Waarde = str | int | bool | list[str] | dt.date
Plek = tuple[str, str | None, str]  # (casus id, betrokkene id or None for a casus veld, veld id)


def partner_for(name: str, gemeente: str) -> str:
    """The partner id a name of `MEEDENKERS` or `cijfers.AANMELDERS` means in a casus of `gemeente`."""
    return name.replace("*", gemeente)


def nevenonderwerpen(
    convenant: Convenant, casussen: Iterable[Casus], rng: random.Random, *, behalve: Collection[str] = ()
) -> None:
    """Give a share of the regular casussen one to three nevenonderwerpen besides their hoofdonderwerp, never
    one of `behalve`."""
    bekend = convenant.ids("onderwerp")
    for casus in casussen:
        if casus.casustype is not Casustype.REGULIER or rng.random() >= NEVEN_AANDEEL:
            continue
        keuze = {
            o: n for o, n in NEVENONDERWERPEN.items() if o in bekend and o != casus.hoofdonderwerp and o not in behalve
        }
        gekozen: list[str] = []
        for _ in range(rng.choices((1, 2, 3), weights=NEVEN_AANTAL)[0]):
            over = sorted(o for o in keuze if o not in gekozen)
            gekozen += rng.choices(over, weights=[keuze[o] for o in over])
        casus.nevenonderwerpen = tuple(gekozen)
