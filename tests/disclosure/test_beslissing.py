"""The verstrekking decision as a pure value (`domain.beslissing.beslis`): no database, no keys, no clock.

A table of scenarios: each row names the refusal it expects (or None for a decision that considers velden),
what is released and what is withheld. The order of the checks is part of the contract: the first failing
check is the refusal, so a row with several faults expects the earliest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.beslissing import Aanvrager, Beleid, Feiten, Verzoek, als_verstrekking, beslis
from service.domain.casus import Betrokkene, BetrokkeneRol, Casus, Deelname
from service.domain.convenant import Casustype, Fase, Verwerkingsactiviteit
from service.domain.decision import Grant
from service.domain.verstrekking import Trace, Uitkomst, Weigering

NU = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
POLITIE = "politie"
CASUS_ID = "c" * 32
HOOFD = "b1"
KIND = "b2"

VA = Verwerkingsactiviteit(
    id="va-casusoverleg",
    versie=2,
    geldig_vanaf=dt.date(2025, 1, 1),
    naam="casusoverleg",
    casustype=Casustype.REGULIER,
    doel="casusoverleg",
    grondslagen=("avg-6-1-e", "wpg-19"),
    categorieen=(),
    bewaartermijn="P2Y",
    fasen=frozenset({Fase.PROCESREGIE, Fase.ADVIES}),
)
GRANTS = {
    "naam": Grant("avg-6-1-e", "p.csv:1"),
    "adres": Grant("avg-6-1-e", "p.csv:2"),
    "politiecontacten": Grant("wpg-19", "p.csv:3"),
    "diagnose": Grant("avg-9-niet-in-register", "p.csv:4"),  # a grondslag the activity does not name
}
AANWEZIG: Mapping[str, Sequence[str | None]] = {
    "naam": [KIND, HOOFD],
    "adres": [HOOFD],
    "politiecontacten": [None],
    "diagnose": [HOOFD],
    "schulden": [HOOFD],
}


def casus(*, fase: Fase = Fase.PROCESREGIE, deelnames: Sequence[Deelname] | None = None) -> Casus:
    return Casus(
        id=CASUS_ID,
        casustype=Casustype.REGULIER,
        fase=fase,
        gemeente="assen",
        hoofdonderwerp="ernstige-overlast",
        aanmelder=POLITIE,
        aangemeld_op=NU - dt.timedelta(days=30),
        gewijzigd_op=NU - dt.timedelta(days=1),
        betrokkenen=[
            Betrokkene(HOOFD, CASUS_ID, BetrokkeneRol.HOOFDPERSOON),
            Betrokkene(KIND, CASUS_ID, BetrokkeneRol.SYSTEEMLID, "kind"),
        ],
        deelnames=list(
            deelnames
            if deelnames is not None
            else [Deelname(CASUS_ID, POLITIE, "deelnemer", NU - dt.timedelta(days=9))]
        ),
    )


def feiten(**changes: object) -> Feiten:
    base = Feiten(
        partner_id=POLITIE,
        verzoek=Verzoek("casusoverleg"),
        onbekend=(),
        nu=NU,
        casus=casus(),
        verwerkingsactiviteit=VA,
        beleid=Beleid("beleid-v1", GRANTS),
        aanwezig=AANWEZIG,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


ENDED = [Deelname(CASUS_ID, POLITIE, "deelnemer", NU - dt.timedelta(days=9), tot=NU - dt.timedelta(seconds=1))]
OTHER = [Deelname(CASUS_ID, "ggz", "deelnemer", NU - dt.timedelta(days=9))]
FUTURE = [Deelname(CASUS_ID, POLITIE, "deelnemer", NU + dt.timedelta(seconds=1))]

# (id, facts, expected refusal, released velden, withheld velden)
SCENARIOS = [
    ("everything-allowed", feiten(), None, ["adres", "naam", "politiecontacten"], ["diagnose", "schulden"]),
    ("asked-subset", feiten(verzoek=Verzoek("casusoverleg", ("adres",))), None, ["adres"], []),
    ("asked-withheld", feiten(verzoek=Verzoek("casusoverleg", ("schulden", "naam"))), None, ["naam"], ["schulden"]),
    ("grondslag-not-in-register", feiten(verzoek=Verzoek("casusoverleg", ("diagnose",))), None, [], ["diagnose"]),
    (
        "asked-but-no-value",
        feiten(verzoek=Verzoek("casusoverleg", ("naam",)), aanwezig={"adres": [HOOFD]}),
        None,
        [],
        [],
    ),
    (
        "no-grants",
        feiten(beleid=Beleid("beleid-v1", {})),
        None,
        [],
        ["adres", "diagnose", "naam", "politiecontacten", "schulden"],
    ),
    ("unknown-names", feiten(onbekend=[("doel", "unknown doel")]), Weigering.ONBEKENDE_NAAM, [], []),
    (
        "unknown-before-everything",
        feiten(onbekend=[("velden[0]", "x")], casus=None, beleid=None),
        Weigering.ONBEKENDE_NAAM,
        [],
        [],
    ),
    ("no-such-casus", feiten(casus=None), Weigering.GEEN_DEELNEMER, [], []),
    ("other-partner-only", feiten(casus=casus(deelnames=OTHER)), Weigering.GEEN_DEELNEMER, [], []),
    ("deelname-ended", feiten(casus=casus(deelnames=ENDED)), Weigering.GEEN_DEELNEMER, [], []),
    ("deelname-not-yet", feiten(casus=casus(deelnames=FUTURE)), Weigering.GEEN_DEELNEMER, [], []),
    ("deelname-before-fase", feiten(casus=casus(fase=Fase.TRIAGE, deelnames=OTHER)), Weigering.GEEN_DEELNEMER, [], []),
    ("fase-not-permitted", feiten(casus=casus(fase=Fase.TRIAGE)), Weigering.FASE, [], []),
    ("no-activity-for-doel", feiten(verwerkingsactiviteit=None), Weigering.FASE, [], []),
    ("fase-before-beleid", feiten(casus=casus(fase=Fase.AFGESLOTEN), beleid=None), Weigering.FASE, [], []),
    ("no-policy", feiten(beleid=None), Weigering.GEEN_BELEID, [], []),
    ("beleid-before-destroyed", feiten(beleid=None, aanwezig=None), Weigering.GEEN_BELEID, [], []),
    ("destroyed", feiten(aanwezig=None), Weigering.VERNIETIGD, [], []),
]


@pytest.mark.parametrize(
    ("facts", "weigering", "released", "withheld"),
    [pytest.param(*row[1:], id=row[0]) for row in SCENARIOS],
)
def test_the_decision(facts: Feiten, weigering: Weigering | None, released: list[str], withheld: list[str]) -> None:
    beslissing = beslis(facts)
    assert beslissing.weigering is weigering, beslissing.reden
    assert sorted(beslissing.vrijgegeven) == released
    assert list(beslissing.onthouden) == withheld
    if weigering is not None:
        assert beslissing.uitkomst is Uitkomst.GEWEIGERD
        assert not beslissing.verstrekt and not beslissing.onthouden


def test_each_released_veld_carries_its_grondslag_and_activity_and_places() -> None:
    verstrekt = {v.veld: v for v in beslis(feiten()).verstrekt}
    assert verstrekt["naam"].grondslag == "avg-6-1-e"
    assert verstrekt["politiecontacten"].grondslag == "wpg-19"
    assert {(v.verwerkingsactiviteit, v.va_versie) for v in verstrekt.values()} == {("va-casusoverleg", 2)}
    assert verstrekt["naam"].plaatsen == (HOOFD, KIND)  # sorted, whatever order they were stored in
    assert verstrekt["politiecontacten"].plaatsen == ("casus",)


def test_a_value_of_a_betrokkene_the_casus_no_longer_names_is_not_placed() -> None:
    beslissing = beslis(feiten(aanwezig={"naam": ["verdwenen", HOOFD]}))
    assert [(v.veld, v.plaatsen) for v in beslissing.verstrekt] == [("naam", (HOOFD,))]


@pytest.mark.parametrize(
    ("facts", "uitkomst"),
    [
        pytest.param(feiten(), Uitkomst.GEDEELTELIJK, id="some-withheld"),
        pytest.param(feiten(verzoek=Verzoek("casusoverleg", ("adres", "naam"))), Uitkomst.VERSTREKT, id="all-asked"),
        pytest.param(feiten(beleid=Beleid("v", {})), Uitkomst.LEEG, id="nothing-allowed"),
        pytest.param(feiten(casus=None), Uitkomst.GEWEIGERD, id="refused"),
    ],
)
def test_the_outcome(facts: Feiten, uitkomst: Uitkomst) -> None:
    assert beslis(facts).uitkomst is uitkomst


def test_what_the_record_names_is_known_only_once_its_check_passed() -> None:
    assert (beslis(feiten(casus=None)).casustype, beslis(feiten(casus=None)).beleidsversie) == (None, None)
    assert (beslis(feiten(beleid=None)).casustype, beslis(feiten(beleid=None)).beleidsversie) == ("regulier", None)
    destroyed = beslis(feiten(aanwezig=None))
    assert (destroyed.casustype, destroyed.beleidsversie) == ("regulier", "beleid-v1")


def test_the_record_of_a_decision_names_why_never_what() -> None:
    aanvrager = Aanvrager(
        "v1", NU, POLITIE, "0" * 20, "g1", "deelnemer", CASUS_ID, "casusoverleg", Trace("a" * 32, "b" * 16)
    )
    released = als_verstrekking(beslis(feiten()), aanvrager, casus())
    assert released.betrokkenen == (HOOFD, KIND)
    assert released.onthouden == ("diagnose", "schulden")
    assert released.weigering is None and released.beleidsversie == "beleid-v1"
    refused = als_verstrekking(beslis(feiten(casus=casus(deelnames=OTHER))), aanvrager, casus(deelnames=OTHER))
    assert refused.betrokkenen == () and refused.verstrekt == () and refused.weigering is Weigering.GEEN_DEELNEMER


VELDEN = ("naam", "adres", "politiecontacten", "diagnose", "schulden", "bsn")
GRONDSLAGEN = ("avg-6-1-e", "wpg-19", "avg-9-niet-in-register")


@given(
    grants=st.dictionaries(st.sampled_from(VELDEN), st.sampled_from(GRONDSLAGEN)),
    aanwezig=st.dictionaries(
        st.sampled_from(VELDEN), st.lists(st.sampled_from([None, HOOFD, KIND, "verdwenen"]), min_size=1, max_size=3)
    ),
    gevraagd=st.none() | st.lists(st.sampled_from(VELDEN), max_size=6).map(tuple),
    fase=st.sampled_from(list(Fase)),
    deelnemer=st.booleans(),
)
def test_nothing_is_released_that_is_not_granted_on_a_registered_grondslag_present_and_asked(
    grants: dict[str, str],
    aanwezig: dict[str, list[str | None]],
    gevraagd: tuple[str, ...] | None,
    fase: Fase,
    deelnemer: bool,
) -> None:
    facts = feiten(
        verzoek=Verzoek("casusoverleg", gevraagd),
        casus=casus(fase=fase, deelnames=None if deelnemer else OTHER),
        beleid=Beleid("v", {veld: Grant(grond, "p.csv:1") for veld, grond in grants.items()}),
        aanwezig=aanwezig,
    )
    beslissing = beslis(facts)
    if not deelnemer or fase not in VA.fasen:
        assert beslissing.weigering is not None
    released = beslissing.vrijgegeven
    if beslissing.weigering is not None:
        assert not released and not beslissing.onthouden
        return
    for veld in released:
        assert grants[veld] in VA.grondslagen  # granted, on a grondslag the activity names
        assert veld in aanwezig  # a value exists
        assert gevraagd is None or veld in gevraagd  # and it was asked for
    assert not released & set(beslissing.onthouden)  # a veld is released or withheld, never both
    for v in beslissing.verstrekt:
        assert v.grondslag == grants[v.veld]
        assert set(v.plaatsen) <= {"casus", HOOFD, KIND}  # never a betrokkene the casus does not name
