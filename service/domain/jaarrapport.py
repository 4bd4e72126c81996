"""The annual report of a ZVH: every table, for one calendar year (with the two years before where the report
compares), for the whole region or one gemeente, from `Casusfeiten`, the adviezen and the overleggen counted.

Invariants:
- Pure: the same facts give the same tables. Rows are in the convenant's order (gemeenten, onderwerpen,
  partners), named by the convenant's names; codes the convenant does not know are shown as themselves.
- Only regular casussen are counted (a CTER casus falls under the Wet PGA and is counted by its own casustafel).
- A table counts casussen unless its title says persons; definitions of the periods are `domain.jaarcijfers`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain.advies import Adviessoort, Telrij
from service.domain.convenant import VASTE_OVERLEGSOORTEN, Convenant
from service.domain.jaarcijfers import (
    LEEFTIJDSKLASSEN,
    ONBEKEND,
    WACHTTIJD,
    Casusfeiten,
    Problematiek,
    Reikwijdte,
    Tabel,
    in_jaar,
    leeftijdsklasse,
    tabel,
    tel,
)
from service.domain.levensloop import Uitkomst

DOMEINEN = {"zorg": "Zorg", "veiligheid": "Veiligheid", "gemeente": "Gemeenten"}
UITKOMSTEN = {
    Uitkomst.DOEL_GEREALISEERD: "Doel gerealiseerd",
    Uitkomst.DOEL_DEELS_GEREALISEERD: "Doel deels gerealiseerd",
    Uitkomst.DOEL_NIET_GEREALISEERD: "Doel niet gerealiseerd",
    Uitkomst.OVERGEDRAGEN: "Overgedragen",
    Uitkomst.VERHUISD: "Verhuisd",
    Uitkomst.OVERLEDEN: "Overleden",
    Uitkomst.ANDERS: "Anders",
}


@dataclass(frozen=True, slots=True)
class Overlegtelling:
    soort: str
    gehouden: int  # overleggen of the soort dated in the year
    besprekingen: int  # agendapunten: how often a casus was discussed
    casussen: int  # distinct casussen discussed


@dataclass(frozen=True, slots=True)
class Jaarrapport:
    jaar: int
    gemeente: str | None  # None: the whole region
    tabellen: tuple[Tabel, ...]

    def tabel(self, tabel_id: str) -> Tabel | None:
        return next((t for t in self.tabellen if t.id == tabel_id), None)


def jaarrapport(
    convenant: Convenant,
    jaar: int,
    feiten: Sequence[Casusfeiten],
    adviezen: Mapping[int, Sequence[Telrij]],
    overleggen: Sequence[Overlegtelling],
    gemeente: str | None = None,
) -> Jaarrapport:
    """Every table of the report of `jaar` (`adviezen` per year: `jaar` and the two before)."""
    if gemeente is not None:
        feiten = [f for f in feiten if f.gemeente == gemeente]
        adviezen = {j: [r for r in rijen if r.gemeente == gemeente] for j, rijen in adviezen.items()}
    return Jaarrapport(
        jaar,
        gemeente,
        (
            _procesregie(feiten, jaar),
            _per_gemeente(convenant, feiten, jaar),
            _per_partner(convenant, feiten, jaar),
            _per_domein(convenant, feiten, jaar),
            _hoofdonderwerp(convenant, feiten, jaar),
            _problematiek(feiten, jaar),
            _reikwijdte(feiten, jaar),
            _minderjarigen(feiten, jaar),
            _leeftijd(feiten, jaar),
            _personen(feiten, jaar),
            _uitkomsten(feiten, jaar),
            _overdrachten(convenant, feiten, jaar),
            _werkvoorraad(feiten, jaar),
            _adviezen(adviezen, jaar),
            _thema(convenant, feiten, jaar),
            _overleggen(convenant, overleggen, jaar),
        ),
    )


def _jaren(jaar: int) -> tuple[int, int, int]:
    return jaar - 2, jaar - 1, jaar


def _procesregie(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    jaren = _jaren(jaar)
    return tabel(
        "procesregie",
        "Procesregie: nieuw, actief en afgesloten",
        ("Nieuw in procesregie", "Actief gedurende het jaar", "Actief op 31 december", "Afgesloten"),
        tuple(str(j) for j in jaren),
        [
            [tel(feiten, lambda f, j=j: f.procesregie and in_jaar(f.besluit_op, j)) for j in jaren],
            [tel(feiten, lambda f, j=j: f.in_procesregie_gedurende(j)) for j in jaren],
            [tel(feiten, lambda f, j=j: f.in_procesregie_op(dt.date(j, 12, 31))) for j in jaren],
            [tel(feiten, lambda f, j=j: f.procesregie and in_jaar(f.afgesloten_op, j)) for j in jaren],
        ],
        toelichting="Casussen in procesregie, in het jaar en de twee jaren ervoor.",
    )


def _per_gemeente(convenant: Convenant, feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    einde = dt.date(jaar, 12, 31)
    gemeenten = [g for g in convenant.gemeenten if any(f.gemeente == g.id for f in feiten)]
    rijen = [
        [
            tel(feiten, lambda f, g=g.id: f.gemeente == g and f.in_procesregie_op(einde)),
            tel(feiten, lambda f, g=g.id: f.gemeente == g and in_jaar(f.aangemeld_op, jaar)),
            tel(
                feiten,
                lambda f, g=g.id: f.gemeente == g and f.besluit == "uitgebreid-advies" and in_jaar(f.besluit_op, jaar),
            ),
            tel(feiten, lambda f, g=g.id: f.gemeente == g and f.procesregie and in_jaar(f.afgesloten_op, jaar)),
        ]
        for g in gemeenten
    ]
    return tabel(
        "per-gemeente",
        "Per gemeente",
        [g.naam for g in gemeenten],
        ("Actief op 31 december", "Instroom (aanmeldingen)", "Uitgebreid advies", "Afgesloten"),
        rijen,
        totaalrij=True,
    )


_BESLUITEN = (
    ("procesregie", "Procesregie"),
    ("uitgebreid-advies", "Uitgebreid advies"),
    ("afgewezen", "Niet opgepakt"),
)


def _per_partner(convenant: Convenant, feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    aangemeld = [f for f in feiten if in_jaar(f.aangemeld_op, jaar)]
    partners = [p for p in convenant.partners if any(f.aanmelder == p.id for f in aangemeld)]
    rijen = [
        [tel(aangemeld, lambda f, p=p.id, b=b: f.aanmelder == p and f.besluit == b) for b, _ in _BESLUITEN]
        + [tel(aangemeld, lambda f, p=p.id: f.aanmelder == p and f.besluit is None)]
        for p in partners
    ]
    return tabel(
        "aanmeldingen-per-partner",
        "Aanmeldingen per convenantpartner en hoe de triage ze oppakte",
        [p.naam for p in partners],
        (*(naam for _, naam in _BESLUITEN), "Nog geen besluit"),
        rijen,
        totaalrij=True,
        totaalkolom=True,
    )


def _domein(convenant: Convenant, partner_id: str) -> str:
    partner = convenant.partner(partner_id)
    soort = convenant.partnertype(partner.type) if partner is not None else None
    return soort.domein.value if soort is not None else ONBEKEND


def _per_domein(convenant: Convenant, feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    aangemeld = [f for f in feiten if in_jaar(f.aangemeld_op, jaar)]
    return tabel(
        "aanmeldingen-per-domein",
        "Aanmeldingen per domein",
        list(DOMEINEN.values()),
        ("Aanmeldingen",),
        [[tel(aangemeld, lambda f, d=d: _domein(convenant, f.aanmelder) == d)] for d in DOMEINEN],
        totaalrij=True,
        toelichting="Het domein van een partner is dat van zijn partnertype in het convenant (instelbaar per regio).",
    )


def _hoofdonderwerp(convenant: Convenant, feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    actief = [f for f in feiten if f.in_procesregie_gedurende(jaar)]
    onderwerpen = [o for o in convenant.onderwerpen if any(f.hoofdonderwerp == o.id for f in actief)]
    return tabel(
        "hoofdonderwerp",
        "Hoofdonderwerp van de procesregiecasuïstiek",
        [o.naam for o in onderwerpen],
        ("Casussen",),
        [[tel(actief, lambda f, o=o.id: f.hoofdonderwerp == o)] for o in onderwerpen],
        totaalrij=True,
        toelichting="Casussen in procesregie gedurende het jaar.",
    )


def _problematiek(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    actief = [f for f in feiten if f.in_procesregie_gedurende(jaar)]
    p = Problematiek
    return tabel(
        "problematiek",
        "Problematiek",
        (
            "Psychische problematiek / verward gedrag",
            "LVB (vastgesteld of vermoed)",
            "Verslaving",
            "Dubbelproblematiek (precies twee)",
            "Tripleproblematiek (alle drie)",
            "Casussen in procesregie",
        ),
        ("Casussen",),
        [
            [tel(actief, lambda f: p.PSYCHISCH in f.problematiek)],
            [tel(actief, lambda f: p.LVB in f.problematiek)],
            [tel(actief, lambda f: p.VERSLAVING in f.problematiek)],
            [tel(actief, lambda f: len(f.problematiek) == 2)],
            [tel(actief, lambda f: len(f.problematiek) == 3)],
            [len(actief)],
        ],
        toelichting="Een casus kan in meer rijen staan; naar de hoofdpersoon.",
    )


_REIKWIJDTE = {
    Reikwijdte.ANDERE_GEMEENTE_PROVINCIE: "Andere gemeente in de provincie",
    Reikwijdte.ANDERE_PROVINCIE: "Andere provincie",
    Reikwijdte.LANDELIJK: "Landelijk",
    Reikwijdte.BUITENLAND: "Buitenland",
}


def _reikwijdte(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    actief = [f for f in feiten if f.in_procesregie_gedurende(jaar)]
    return tabel(
        "gemeentegrensoverstijgend",
        "Gemeentegrensoverstijgend",
        list(_REIKWIJDTE.values()),
        ("Casussen",),
        [[tel(actief, lambda f, r=r: f.reikwijdte is r)] for r in _REIKWIJDTE],
        totaalrij=True,
        toelichting="Casussen in procesregie gedurende het jaar die verder reiken dan de eigen gemeente.",
    )


def _minderjarigen(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    actief = [f for f in feiten if f.in_procesregie_gedurende(jaar)]
    return tabel(
        "minderjarigen",
        "Minderjarigen in het systeem",
        ("Met minderjarigen", "Zonder minderjarigen", "Onbekend"),
        ("Casussen",),
        [[tel(actief, lambda f, w=w: f.minderjarigen is w)] for w in (True, False, None)],
        totaalrij=True,
        toelichting="Casussen in procesregie gedurende het jaar; minderjarig op de dag van aanmelding.",
    )


def _leeftijd(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    einde = dt.date(jaar, 12, 31)
    aangemeld = [f for f in feiten if in_jaar(f.aangemeld_op, jaar)]
    actief = [f for f in feiten if f.in_procesregie_op(einde)]
    klassen = (*LEEFTIJDSKLASSEN, ONBEKEND)
    return tabel(
        "leeftijd",
        "Leeftijd van de hoofdpersoon",
        klassen,
        ("Bij aanmelding", "Actief op 31 december"),
        [
            [
                tel(aangemeld, lambda f, k=k: leeftijdsklasse(f.geboortedatum, f.aangemeld_op) == k),
                tel(actief, lambda f, k=k: leeftijdsklasse(f.geboortedatum, einde) == k),
            ]
            for k in klassen
        ],
        totaalrij=True,
    )


def _personen(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    actief = [f for f in feiten if f.in_procesregie_gedurende(jaar)]
    gezin = [f for f in actief if f.personen > 1]
    individu = [f for f in actief if f.personen <= 1]
    return tabel(
        "personen",
        "Personen per casus: gezin of individu",
        ("Gezin of systeem (meer personen)", "Individu"),
        ("Casussen", "Personen"),
        [[len(gezin), sum(f.personen for f in gezin)], [len(individu), sum(f.personen for f in individu)]],
        totaalrij=True,
    )


def _uitkomsten(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    gesloten = [f for f in feiten if f.procesregie and in_jaar(f.afgesloten_op, jaar)]
    return tabel(
        "uitkomsten",
        "Uitkomsten bij afsluiting",
        list(UITKOMSTEN.values()),
        ("Casussen",),
        [[tel(gesloten, lambda f, u=u: f.uitkomst == u.value)] for u in UITKOMSTEN],
        totaalrij=True,
        toelichting="Procesregiecasussen afgesloten in het jaar.",
    )


def _overdrachten(convenant: Convenant, feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    over = [f for f in feiten if f.overgedragen_aan is not None and in_jaar(f.afgesloten_op, jaar)]
    typen = [t for t in convenant.partnertypen if any(f.overgedragen_aan == t.id for f in over)]
    return tabel(
        "overdrachten",
        "Overdrachten naar soort ontvangende partner",
        [t.naam for t in typen],
        ("Casussen",),
        [[tel(over, lambda f, t=t.id: f.overgedragen_aan == t)] for t in typen],
        totaalrij=True,
    )


def _werkvoorraad(feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    aangemeld = [f for f in feiten if in_jaar(f.aangemeld_op, jaar)]
    einde = dt.date(jaar, 12, 31)

    def gewacht(f: Casusfeiten) -> bool | None:
        if f.besluit_op is None or f.besluit_op > einde:
            return None
        return f.besluit_op - f.aangemeld_op > WACHTTIJD

    return tabel(
        "werkvoorraad",
        "Werkvoorraad: wachttijd tot het triagebesluit",
        ("Binnen twee weken besloten", "Langer dan twee weken gewacht", "Op 31 december nog zonder besluit"),
        ("Aanmeldingen",),
        [[tel(aangemeld, lambda f, w=w: gewacht(f) is w)] for w in (False, True, None)],
        totaalrij=True,
    )


def _adviezen(adviezen: Mapping[int, Sequence[Telrij]], jaar: int) -> Tabel:
    soorten = (
        ("Kort advies", lambda r: r.soort is Adviessoort.KORT),
        ("Uitgebreid advies met betrokkenen", lambda r: r.soort is Adviessoort.UITGEBREID and r.met_betrokkenen),
        ("Uitgebreid advies, anoniem", lambda r: r.soort is Adviessoort.UITGEBREID and not r.met_betrokkenen),
        ("Informatieknooppunt", lambda r: r.soort is Adviessoort.INFORMATIEKNOOPPUNT),
    )
    return tabel(
        "adviezen",
        "Advies en ondersteuning",
        [naam for naam, _ in soorten],
        tuple(str(j) for j in _jaren(jaar)),
        [[sum(r.aantal for r in adviezen.get(j, ()) if past(r)) for j in _jaren(jaar)] for _, past in soorten],
    )


def _thema(convenant: Convenant, feiten: Sequence[Casusfeiten], jaar: int) -> Tabel:
    def over(f: Casusfeiten, onderwerp: str) -> bool:
        return f.hoofdonderwerp == onderwerp or onderwerp in f.nevenonderwerpen

    onderwerpen = list(convenant.onderwerpen)
    return tabel(
        "thema",
        "Thema's: aanmeldingen en actieve procesregie per onderwerp (hoofd- of nevenonderwerp)",
        [o.naam for o in onderwerpen],
        ("Aanmeldingen", "Actief in procesregie"),
        [
            [
                tel(feiten, lambda f, o=o.id: over(f, o) and in_jaar(f.aangemeld_op, jaar)),
                tel(feiten, lambda f, o=o.id: over(f, o) and f.in_procesregie_gedurende(jaar)),
            ]
            for o in onderwerpen
        ],
        toelichting="Een casus met meer onderwerpen telt bij elk daarvan.",
    )


def _overleggen(convenant: Convenant, overleggen: Sequence[Overlegtelling], jaar: int) -> Tabel:
    per_soort = {t.soort: t for t in overleggen}
    soorten = [s for s in (*VASTE_OVERLEGSOORTEN, *convenant.overlegsoorten) if s.id in per_soort]
    return tabel(
        "overleggen",
        "Overleggen gehouden en casussen besproken",
        [s.naam for s in soorten],
        ("Overleggen", "Besprekingen", "Casussen besproken"),
        [[per_soort[s.id].gehouden, per_soort[s.id].besprekingen, per_soort[s.id].casussen] for s in soorten],
        toelichting=f"Overleggen gedateerd in {jaar}; een casus die vaker besproken werd telt één keer per soort.",
    )
