"""Synthetic import files (docs/import.md): a casus line, a year of them, and the same history entered through the
use cases the API calls, at the same moments.

Every value here is synthetic: BSNs from the 9999xxxxx range the BRP test environment uses for fictitious persons
(each passes the elfproef), names that say they are synthetic, toelichtingen that say so too.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.domain.casus import Casus, Gebruiker, new_id
from service.domain.veldwaarde import elfproef
from service.service_layer.casus import aanmelding as casussen
from service.service_layer.casus import levensloop
from service.service_layer.casus.aanmelding import Aanmelding, BetrokkeneInvoer, Bijdrage
from service.service_layer.casus.deelname import Uitnodiging
from service.service_layer.services import Services

BUREAU = "bureau-zvh-drenthe"
GEMEENTEN = ("assen", "emmen", "hoogeveen", "meppel", "coevorden", "tynaarlo", "aa-en-hunze", "borger-odoorn")
ONDERWERPEN = ("verward-gedrag", "ernstige-overlast", "huiselijk-geweld", "burenruzie", "stalking", "zeden")
AANMELDERS = ("politie-noord-nederland", "gemeente", "ggd-drenthe", "veilig-thuis-drenthe", "reclassering-nederland")
UITKOMSTEN = ("doel-gerealiseerd", "doel-deels-gerealiseerd", "doel-niet-gerealiseerd", "verhuisd")


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def bsns() -> Iterator[str]:
    """Synthetic BSNs (9999xxxxx, passing the elfproef), in order."""
    return (str(n) for n in range(999_900_000, 999_999_999) if elfproef(str(n)))


def waarde(value: object, bron: str, op: dt.datetime | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"waarde": value, "bron": bron}
    if op is not None:
        out["op"] = iso(op)
    return out


def casusregel(
    extern_id: str,
    aangemeld_op: dt.datetime,
    *,
    aanmelder: str = "politie-noord-nederland",
    bsn: str = "999900122",
    gemeente: str = "assen",
    onderwerp: str = "verward-gedrag",
    systeemlid_bsn: str | None = "999900110",
    besluit: str | None = "procesregie",
    afsluiting: str | None = "doel-gerealiseerd",
    zorg: str | None = "ggz-drenthe",
    prioriteit: int | None = 2,
) -> dict[str, Any]:
    """One casus line: referred by `aanmelder`, triaged by the Bureau (to `besluit`; None: still in triage), a
    care partner (`zorg`) added as deelnemer that supplies a health veld, and closed with `afsluiting` (None:
    still open). Moments are days after `aangemeld_op`."""
    dag = dt.timedelta(days=1)
    hoofd: dict[str, Any] = {
        "bsn": waarde(bsn, aanmelder),
        "achternaam": waarde(f"Synthetisch-{extern_id[-4:]}", aanmelder),
        "geboortedatum": waarde("1988-05-17", aanmelder),
    }
    if aanmelder.startswith("politie"):
        hoofd["aantalIncidenten"] = waarde(4, aanmelder)
    betrokkenen: list[dict[str, Any]] = [{"rol": "hoofdpersoon", "velden": hoofd}]
    if systeemlid_bsn is not None:
        lid = {"bsn": waarde(systeemlid_bsn, aanmelder), "achternaam": waarde("Synthetisch-kind", aanmelder)}
        betrokkenen.append({"rol": "systeemlid", "relatie": "kind", "velden": lid})
    historie: list[dict[str, Any]] = [
        {
            "handeling": "triage",
            "op": iso(aangemeld_op + 2 * dag),
            "besluit": "in-behandeling",
            "toelichting": "Synthetisch: triage.",
        }
    ]
    if zorg is not None:
        historie.append(
            {
                "handeling": "deelnemer-toegevoegd",
                "op": iso(aangemeld_op + 3 * dag),
                "partner": zorg,
                "rol": "deelnemer",
            }
        )
        hoofd["psychischeGezondheid"] = waarde("signalen", zorg, aangemeld_op + 4 * dag)
    if besluit is not None:
        historie.append(
            {
                "handeling": "triage",
                "op": iso(aangemeld_op + 9 * dag),
                "besluit": besluit,
                "toelichting": "Synthetisch: besluit.",
            }
        )
    if besluit is not None and prioriteit is not None and besluit != "afgewezen":
        historie.append({"handeling": "prioritering", "op": iso(aangemeld_op + 10 * dag), "prioriteit": prioriteit})
    if besluit in ("procesregie", "uitgebreid-advies") and afsluiting is not None:
        historie.append(
            {
                "handeling": "afsluiting",
                "op": iso(aangemeld_op + 60 * dag),
                "uitkomst": afsluiting,
                "toelichting": "Synthetisch: afgerond.",
            }
        )
    return {
        "formaat": 1,
        "externId": extern_id,
        "casustype": "regulier",
        "gemeente": gemeente,
        "onderwerp": onderwerp,
        "aanmelding": {"op": iso(aangemeld_op), "partner": aanmelder, "rol": "casusregisseur"},
        "betrokkenen": betrokkenen,
        "velden": {
            "signaalOmschrijving": waarde("Synthetisch signaal: zorgen om veiligheid.", aanmelder),
            "urgentie": waarde("hoog", aanmelder),
        },
        "historie": historie,
    }


def jaar(aantal: int = 128, *, einde: dt.datetime, seed: int = 2026) -> list[dict[str, Any]]:
    """`aantal` casussen referred over the year before `einde` (at least 30 days before it), about half in
    procesregie and half in advies, most of those older than 60 days closed, a few rejected at triage, the latest
    two (of more than four) still in triage."""
    kies = random.Random(seed)
    nummers = bsns()
    regels = []
    for n in range(aantal):
        aangemeld_op = einde - dt.timedelta(days=395 - n * 365 // aantal, hours=kies.randrange(8, 17))
        gemeente = GEMEENTEN[n % len(GEMEENTEN)]
        aanmelder = AANMELDERS[n % len(AANMELDERS)]
        if aanmelder == "gemeente":
            aanmelder = f"gemeente-{gemeente}-veiligheid"
        besluit = "afgewezen" if n % 16 == 5 else ("procesregie" if n % 2 == 0 else "uitgebreid-advies")
        if n >= aantal - 2 and aantal > 4:
            besluit = None  # the latest are still in triage
        gesloten = aangemeld_op + dt.timedelta(days=60) < einde - dt.timedelta(days=1) and n % 3 != 0
        regels.append(
            casusregel(
                f"ZVH-OUD-{n:04d}",
                aangemeld_op,
                aanmelder=aanmelder,
                bsn=next(nummers),
                systeemlid_bsn=next(nummers) if n % 4 != 3 else None,
                gemeente=gemeente,
                onderwerp=ONDERWERPEN[n % len(ONDERWERPEN)],
                besluit=besluit,
                afsluiting=UITKOMSTEN[n % len(UITKOMSTEN)] if gesloten else None,
                zorg="ggd-drenthe" if aanmelder == "ggz-drenthe" else "ggz-drenthe",
                prioriteit=1 + n % 5,
            )
        )
    return regels


def jsonl(regels: Sequence[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in regels).encode("utf-8")


def waarden_in(regels: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every distinctive string value of the lines' velden (BSNs, names, dates, texts: 9 characters or more; a
    keuze such as "hoog" is a code the convenant and the policy hold too), and each externId: what must never be
    stored or logged in plaintext."""
    out = []
    for regel in regels:
        out.append(str(regel["externId"]))
        velden = [b.get("velden", {}) for b in regel["betrokkenen"]] + [regel.get("velden", {})]
        out += [w["waarde"] for v in velden for w in v.values() if isinstance(w["waarde"], str)]
    return [w for w in out if len(w) >= 9]


# -- the same history through the use cases the API calls ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Gebeurtenis:
    op: dt.datetime
    soort: int  # 0 a step, 1 a bijdrage: a step first at equal moments (docs/import.md)
    volgorde: int
    inhoud: Any


def via_use_cases(services: Services, regel: Mapping[str, Any]) -> Casus:
    """Enter the casus of `regel` through the use cases, at the line's moments (`now=`), as partners would have:
    the aanmelding with the aanmelder's own values, each later value as its bron's bijdrage, each step by the
    Bureau's procesregisseur. Returns the casus as referred."""
    melding = regel["aanmelding"]
    t0 = _moment(melding["op"])
    aanmelder = _gebruiker(melding["partner"], melding["rol"])
    eigen, later = _verdeel(regel, melding["partner"], t0)
    betrokkenen = [
        BetrokkeneInvoer(b["rol"], eigen.get(i, {}), b.get("relatie")) for i, b in enumerate(regel["betrokkenen"])
    ]
    aanmelding = Aanmelding(
        regel["casustype"],
        regel["gemeente"],
        regel["onderwerp"],
        betrokkenen,
        eigen.get(None, {}),
        tuple(regel.get("nevenonderwerpen", ())),
    )
    casus = casussen.aanmelden(services, aanmelder, aanmelding, now=t0)
    ids = [b.id for b in casus.betrokkenen]
    gebeurtenissen = [_Gebeurtenis(_moment(s["op"]), 0, i, s) for i, s in enumerate(regel.get("historie", ()))]
    gebeurtenissen += [_Gebeurtenis(op, 1, i, (bron, w)) for i, ((bron, op), w) in enumerate(later.items())]
    rollen = {melding["partner"]: melding["rol"], BUREAU: "procesregisseur"}
    for g in sorted(gebeurtenissen, key=lambda g: (g.op, g.soort, g.volgorde)):
        if g.soort == 1:
            bron, per_plaats = g.inhoud
            bijdrage = Bijdrage(
                [BetrokkeneInvoer("", v, id=ids[i]) for i, v in per_plaats.items() if i is not None],
                per_plaats.get(None, {}),
            )
            casussen.bijdragen(services, _gebruiker(bron, rollen[bron]), casus.id, bijdrage, now=g.op)
        else:
            _stap(services, casus.id, g.inhoud, g.op, rollen)
    return casus


def _stap(services: Services, casus_id: str, stap: Mapping[str, Any], op: dt.datetime, rollen: dict[str, str]) -> None:
    regie = _gebruiker(BUREAU, "procesregisseur")
    toelichting = stap.get("toelichting")
    if stap["handeling"] == "triage":
        levensloop.triage(services, regie, casus_id, stap["besluit"], toelichting, now=op)
    elif stap["handeling"] == "deelnemer-toegevoegd":
        uitnodiging = Uitnodiging(stap["partner"], stap["rol"], toelichting, stap.get("grondslag"))
        levensloop.deelnemer_toevoegen(services, regie, casus_id, uitnodiging, now=op)
        rollen[stap["partner"]] = stap["rol"]
    elif stap["handeling"] == "deelnemer-verwijderd":
        levensloop.deelnemer_verwijderen(services, regie, casus_id, stap["partner"], toelichting, now=op)
    elif stap["handeling"] == "prioritering":
        levensloop.prioriteren(services, regie, casus_id, stap["prioriteit"], toelichting, now=op)
    else:
        levensloop.afsluiten(services, regie, casus_id, stap["uitkomst"], toelichting, stap.get("overdracht"), now=op)


def _verdeel(
    regel: Mapping[str, Any], aanmelder: str, t0: dt.datetime
) -> tuple[dict[int | None, dict[str, Any]], dict[tuple[str, dt.datetime], dict[int | None, dict[str, Any]]]]:
    """The aanmelder's own values at the aanmelding (per betrokkene position, None: the casus), and every other
    value grouped per (bron, moment)."""
    eigen: dict[int | None, dict[str, Any]] = {}
    later: dict[tuple[str, dt.datetime], dict[int | None, dict[str, Any]]] = {}
    plekken = [(i, b.get("velden", {})) for i, b in enumerate(regel["betrokkenen"])] + [(None, regel.get("velden", {}))]
    for plek, velden in plekken:
        for veld, w in velden.items():
            op = _moment(w["op"]) if "op" in w else t0
            if w["bron"] == aanmelder and op == t0:
                eigen.setdefault(plek, {})[veld] = w["waarde"]
            else:
                later.setdefault((w["bron"], op), {}).setdefault(plek, {})[veld] = w["waarde"]
    return eigen, later


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _gebruiker(partner: str, rol: str) -> Gebruiker:
    return Gebruiker(new_id(), partner, rol, f"{rol} (synthetisch)")


def database_inhoud(services: Services) -> dict[str, list[str]]:
    """Every row of every table, as text (to compare a database before and after something that must change
    nothing)."""
    from sqlalchemy import select

    from service.adapters.orm import Base

    with services.engine.connect() as connection:
        return {
            table.name: sorted(str(tuple(row)) for row in connection.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }
