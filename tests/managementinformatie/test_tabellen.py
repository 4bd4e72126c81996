"""Every table of the annual report from a small hand-made set of facts, with the expected counts written out."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.advies import Adviessoort, Telrij
from service.domain.convenant import Convenant
from service.domain.jaarcijfers import Casusfeiten, Problematiek, Reikwijdte, leeftijdsklasse
from service.domain.jaarrapport import Jaarrapport, Overlegtelling, jaarrapport

P, L, V = Problematiek.PSYCHISCH, Problematiek.LVB, Problematiek.VERSLAVING
POLITIE, GGZ, EMMEN = "politie-noord-nederland", "ggz-drenthe", "gemeente-emmen-veiligheid"
D = dt.date

FEITEN = [
    # 1: Assen, police, procesregie since 2024, still open; hoofdpersoon 30 at aanmelding; psychisch + verslaving
    Casusfeiten(
        "assen",
        "verward-gedrag",
        POLITIE,
        D(2024, 11, 1),
        besluit="procesregie",
        besluit_op=D(2024, 11, 20),
        geboortedatum=D(1994, 6, 1),
        minderjarigen=False,
        personen=1,
        problematiek=frozenset({P, V}),
        reikwijdte=Reikwijdte.ANDERE_PROVINCIE,
    ),
    # 2: Assen, police, 2025: procesregie after 3 weeks, closed 2025 doel gerealiseerd, transferred to GGZ type
    Casusfeiten(
        "assen",
        "huiselijk-geweld",
        POLITIE,
        D(2025, 2, 3),
        nevenonderwerpen=("stalking",),
        besluit="procesregie",
        besluit_op=D(2025, 2, 24),
        afgesloten_op=D(2025, 9, 30),
        uitkomst="doel-gerealiseerd",
        overgedragen_aan="ggz",
        geboortedatum=D(2009, 3, 1),
        minderjarigen=True,
        personen=3,
        problematiek=frozenset({P, L, V}),
    ),
    # 3: Emmen, GGZ, 2025: uitgebreid advies within a week
    Casusfeiten(
        "emmen",
        "ernstige-overlast",
        GGZ,
        D(2025, 5, 5),
        besluit="uitgebreid-advies",
        besluit_op=D(2025, 5, 9),
        geboortedatum=D(1950, 1, 1),
        personen=2,
    ),
    # 4: Emmen, municipality (veiligheid), 2025: still undecided at the end of the year
    Casusfeiten("emmen", "stalking", EMMEN, D(2025, 12, 1)),
    # 5: Emmen, police, 2025: procesregie, open; no birth date known
    Casusfeiten(
        "emmen",
        "verward-gedrag",
        POLITIE,
        D(2025, 6, 1),
        besluit="procesregie",
        besluit_op=D(2025, 6, 5),
        problematiek=frozenset({L}),
        reikwijdte=Reikwijdte.EIGEN_GEMEENTE,
    ),
    # 6: Assen, police, 2023: procesregie, closed 2024 (before the year: active in 2024 only)
    Casusfeiten(
        "assen",
        "burenruzie",
        POLITIE,
        D(2023, 3, 1),
        besluit="procesregie",
        besluit_op=D(2023, 3, 10),
        afgesloten_op=D(2024, 2, 1),
        uitkomst="anders",
    ),
]
ADVIEZEN = {
    2025: [
        Telrij(Adviessoort.KORT, "assen", "burenruzie", EMMEN, False, 4),
        Telrij(Adviessoort.UITGEBREID, "emmen", "stalking", POLITIE, False, 3),
        Telrij(Adviessoort.UITGEBREID, "emmen", "stalking", POLITIE, True, 1),
        Telrij(Adviessoort.INFORMATIEKNOOPPUNT, "assen", "overige-veiligheid-omgeving", GGZ, False, 7),
    ],
    2024: [Telrij(Adviessoort.KORT, "assen", "burenruzie", EMMEN, False, 2)],
}
OVERLEGGEN = [Overlegtelling("casusoverleg", 48, 120, 30), Overlegtelling("stalking", 12, 20, 6)]


@pytest.fixture
def rapport(convenant: Convenant) -> Jaarrapport:
    return jaarrapport(convenant, 2025, FEITEN, ADVIEZEN, OVERLEGGEN)


def _rijen(rapport: Jaarrapport, tabel_id: str) -> dict[str, tuple[int, ...]]:
    tabel = rapport.tabel(tabel_id)
    assert tabel is not None
    return dict(zip(tabel.rijen, tabel.cellen, strict=True))


def test_procesregie_over_three_years(rapport: Jaarrapport) -> None:
    assert _rijen(rapport, "procesregie") == {
        "Nieuw in procesregie": (1, 1, 2),  # 2023: 6; 2024: 1; 2025: 2 and 5
        "Actief gedurende het jaar": (1, 2, 3),  # 2024: 6 (closed Feb) and 1; 2025: 1, 2, 5
        "Actief op 31 december": (1, 1, 2),  # 2023: 6; 2024: 1; 2025: 1 and 5
        "Afgesloten": (0, 1, 1),
    }


def test_per_gemeente(rapport: Jaarrapport) -> None:
    assert _rijen(rapport, "per-gemeente") == {
        "Assen": (1, 1, 0, 1),  # active at year end: 1; instroom: 2; closed: 2
        "Emmen": (1, 3, 1, 0),  # active: 5; instroom 3, 4, 5; advies: 3
        "Totaal": (2, 4, 1, 1),
    }


def test_aanmeldingen_per_partner_and_domein(rapport: Jaarrapport, convenant: Convenant) -> None:
    politie = convenant.partner(POLITIE).naam  # type: ignore[union-attr]
    ggz = convenant.partner(GGZ).naam  # type: ignore[union-attr]
    emmen = convenant.partner(EMMEN).naam  # type: ignore[union-attr]
    assert _rijen(rapport, "aanmeldingen-per-partner") == {
        ggz: (0, 1, 0, 0, 1),
        politie: (2, 0, 0, 0, 2),
        emmen: (0, 0, 0, 1, 1),
        "Totaal": (2, 1, 0, 1, 4),
    }
    assert _rijen(rapport, "aanmeldingen-per-domein") == {
        "Zorg": (1,),
        "Veiligheid": (2,),
        "Gemeenten": (1,),
        "Totaal": (4,),
    }


def test_onderwerpen_problematiek_and_reach(rapport: Jaarrapport) -> None:
    hoofd = _rijen(rapport, "hoofdonderwerp")
    assert hoofd["Totaal"] == (3,) and sum(v[0] for k, v in hoofd.items() if k != "Totaal") == 3
    assert _rijen(rapport, "problematiek") == {
        "Psychische problematiek / verward gedrag": (2,),
        "LVB (vastgesteld of vermoed)": (2,),
        "Verslaving": (2,),
        "Dubbelproblematiek (precies twee)": (1,),
        "Tripleproblematiek (alle drie)": (1,),
        "Casussen in procesregie": (3,),
    }
    assert _rijen(rapport, "gemeentegrensoverstijgend") == {
        "Andere gemeente in de provincie": (0,),
        "Andere provincie": (1,),
        "Landelijk": (0,),
        "Buitenland": (0,),
        "Totaal": (1,),
    }


def test_minors_age_and_persons(rapport: Jaarrapport) -> None:
    assert _rijen(rapport, "minderjarigen") == {
        "Met minderjarigen": (1,),
        "Zonder minderjarigen": (1,),
        "Onbekend": (1,),
        "Totaal": (3,),
    }
    assert _rijen(rapport, "leeftijd") == {
        "t/m 17": (1, 0),  # casus 2, 15 at aanmelding (closed before the year's end)
        "18 t/m 23": (0, 0),
        "24 t/m 40": (0, 1),  # casus 1 is 31 on 31 December 2025
        "41 t/m 65": (0, 0),
        "ouder dan 65": (1, 0),  # casus 3, 75
        "onbekend": (2, 1),  # casussen 4 and 5; casus 5 active
        "Totaal": (4, 2),
    }
    assert _rijen(rapport, "personen") == {
        "Gezin of systeem (meer personen)": (1, 3),
        "Individu": (2, 2),
        "Totaal": (3, 5),
    }


def test_afsluiting_werkvoorraad_adviezen_themas_and_overleggen(rapport: Jaarrapport) -> None:
    uitkomsten = _rijen(rapport, "uitkomsten")
    assert uitkomsten["Doel gerealiseerd"] == (1,) and uitkomsten["Totaal"] == (1,)
    assert _rijen(rapport, "overdrachten") == {"Geestelijke gezondheidszorg": (1,), "Totaal": (1,)}
    assert _rijen(rapport, "werkvoorraad") == {
        "Binnen twee weken besloten": (2,),  # 3 (4 days), 5 (4 days)
        "Langer dan twee weken gewacht": (1,),  # 2 (21 days)
        "Op 31 december nog zonder besluit": (1,),  # 4
        "Totaal": (4,),
    }
    assert _rijen(rapport, "adviezen") == {
        "Kort advies": (0, 2, 4),
        "Uitgebreid advies met betrokkenen": (0, 0, 1),
        "Uitgebreid advies, anoniem": (0, 0, 3),
        "Informatieknooppunt": (0, 0, 7),
    }
    thema = _rijen(rapport, "thema")
    assert thema["Stalking"] == (2, 1)  # aanmeldingen: 2 (neven) and 4 (hoofd); active in procesregie: 2
    overleggen = _rijen(rapport, "overleggen")
    assert overleggen["Casusoverleg"] == (48, 120, 30) and len(overleggen) == 2


def test_one_gemeente(convenant: Convenant) -> None:
    emmen = jaarrapport(convenant, 2025, FEITEN, ADVIEZEN, OVERLEGGEN, gemeente="emmen")
    assert _rijen(emmen, "per-gemeente") == {"Emmen": (1, 3, 1, 0), "Totaal": (1, 3, 1, 0)}
    assert _rijen(emmen, "adviezen")["Kort advies"] == (0, 0, 0)  # the korte adviezen were about Assen


@pytest.mark.parametrize(
    ("geboren", "op", "klasse"),
    [
        (D(2008, 12, 31), D(2025, 12, 30), "t/m 17"),
        (D(2007, 12, 31), D(2025, 12, 31), "18 t/m 23"),  # 18 on the day
        (D(1984, 1, 1), D(2025, 1, 1), "41 t/m 65"),  # 41 on the day
        (D(1960, 1, 2), D(2025, 1, 1), "41 t/m 65"),  # 64
        (D(1959, 1, 1), D(2025, 1, 1), "ouder dan 65"),  # 66
        (None, D(2025, 1, 1), "onbekend"),
        (D(2026, 1, 1), D(2025, 1, 1), "onbekend"),  # born after the day: an error, not an age
    ],
)
def test_age_bands(geboren: dt.date | None, op: dt.date, klasse: str) -> None:
    assert leeftijdsklasse(geboren, op) == klasse
