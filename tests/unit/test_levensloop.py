"""The casus lifecycle use cases (`service_layer/casus/levensloop.py`) on fakes: what they change, and what they
refuse, in which order, without writing anything.

These pin the sequence every lifecycle action follows (participation -> regie -> input -> fase -> change ->
history entry -> one commit), so that folding it into one helper cannot change what callers see.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from service.crypto.errors import CryptoError
from service.domain.casus import Deelname, Gebruiker
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.errors import (
    ConflictError,
    DeelpoortError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
    OngeldigeOvergangError,
)
from service.domain.levensloop import Handeling
from service.service_layer.casus import levensloop
from service.service_layer.casus.levensloop import MAX_TOELICHTING, Uitnodiging
from service.service_layer.services import Services
from tests.unit.fakes import FakeDatabase
from tests.unit.scenario import (
    AGENT,
    ANDERE_ZVH,
    BUREAU,
    BUREAU_FG,
    GEMEENTE,
    GGZ,
    GGZ_REGISSEUR,
    NOW,
    ONDERSTEUNER,
    POLITIE,
    REGISSEUR,
    T0,
    active_partners,
    casus_in,
    entries,
)

TOELICHTING = "Synthetische toelichting: meerdere leefgebieden, hoog veiligheidsrisico."


def assert_nothing_written(database: FakeDatabase, before: Any) -> None:
    assert database.commits == 0
    assert database.writes == []
    assert database.state == before


# --- triage ---------------------------------------------------------------------------------------------------


def test_triage_moves_the_casus_and_commits_it_with_one_history_entry(
    fake_services: Services, database: FakeDatabase
) -> None:
    casus = casus_in(database, fake_services)

    entry = levensloop.triage(fake_services, REGISSEUR, casus.id, "in-behandeling", TOELICHTING, now=NOW)

    stored = database.state.casussen[casus.id]
    assert (stored.fase, stored.gewijzigd_op, stored.afgesloten_op) == (Fase.TRIAGE, NOW, None)
    assert entries(database, casus.id) == [entry]
    assert (entry.handeling, entry.van_fase, entry.naar_fase) == (Handeling.TRIAGE, Fase.AANMELDING, Fase.TRIAGE)
    assert (entry.partner_id, entry.gebruiker_id, entry.rol, entry.tijd) == (
        BUREAU,
        REGISSEUR.id,
        "procesregisseur",
        NOW,
    )
    assert (entry.toelichting, dict(entry.gegevens)) == (TOELICHTING, {"besluit": "in-behandeling"})
    assert database.commits == 1
    # What is written, in one transaction (its order within the transaction is not observable).
    assert sorted(w[0] for w in database.writes) == ["casussen.set_fase", "casussen.touch", "historie.add"]


@pytest.mark.parametrize(
    ("besluit", "naar"),
    [("procesregie", Fase.PROCESREGIE), ("advies", Fase.ADVIES), ("afgewezen", Fase.AFGEWEZEN)],
    ids=["procesregie", "advies", "afgewezen"],
)
def test_triage_decides_from_fase_triage(
    fake_services: Services, database: FakeDatabase, besluit: str, naar: Fase
) -> None:
    casus = casus_in(database, fake_services, fase=Fase.TRIAGE)

    entry = levensloop.triage(fake_services, REGISSEUR, casus.id, besluit, TOELICHTING, now=NOW)

    assert database.state.casussen[casus.id].fase is naar
    assert (entry.van_fase, entry.naar_fase) == (Fase.TRIAGE, naar)


def test_afgewezen_ends_every_deelname_but_the_bureaus(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, extra=[(GGZ, "deelnemer")])

    levensloop.triage(fake_services, REGISSEUR, casus.id, "afgewezen", TOELICHTING, now=NOW)

    stored = database.state.casussen[casus.id]
    assert (stored.fase, stored.afgesloten_op) == (Fase.AFGEWEZEN, NOW)
    assert active_partners(database, casus.id, NOW) == {BUREAU: "procesregisseur"}
    assert {d.partner_id: d.tot for d in stored.deelnames} == {POLITIE: NOW, BUREAU: None, GGZ: NOW}


@dataclass(frozen=True)
class Weigering:
    """A refused action: who, on a casus in which fase, and the error it must end in."""

    gebruiker: Gebruiker
    fase: Fase
    error: type[DeelpoortError]
    besluit: str = "in-behandeling"
    toelichting: str | None = TOELICHTING


TRIAGE_WEIGERINGEN = {
    "stranger-not-found": Weigering(GGZ_REGISSEUR, Fase.AANMELDING, NietGevondenError),
    "fg-of-a-participant-not-found": Weigering(BUREAU_FG, Fase.AANMELDING, NietGevondenError),
    "participant-without-regie": Weigering(AGENT, Fase.AANMELDING, NietToegestaanError),
    "ondersteuner-without-regie": Weigering(ONDERSTEUNER, Fase.AANMELDING, NietToegestaanError),
    "unknown-besluit": Weigering(REGISSEUR, Fase.AANMELDING, OngeldigeInvoerError, besluit="misschien"),
    "no-toelichting": Weigering(REGISSEUR, Fase.AANMELDING, OngeldigeInvoerError, toelichting=None),
    "blank-toelichting": Weigering(REGISSEUR, Fase.AANMELDING, OngeldigeInvoerError, toelichting="  "),
    "too-long-toelichting": Weigering(
        REGISSEUR, Fase.AANMELDING, OngeldigeInvoerError, toelichting="x" * (MAX_TOELICHTING + 1)
    ),
    "procesregie-before-triage": Weigering(REGISSEUR, Fase.AANMELDING, OngeldigeOvergangError, besluit="procesregie"),
    "in-behandeling-twice": Weigering(REGISSEUR, Fase.TRIAGE, OngeldigeOvergangError),
    "after-afsluiting": Weigering(REGISSEUR, Fase.AFGESLOTEN, OngeldigeOvergangError, besluit="advies"),
    # The order of the checks: participation, then regie, then input, then fase.
    "stranger-with-bad-input-not-found": Weigering(GGZ_REGISSEUR, Fase.AANMELDING, NietGevondenError, besluit="?"),
    "no-regie-with-bad-input-forbidden": Weigering(AGENT, Fase.AANMELDING, NietToegestaanError, toelichting=None),
    "bad-input-in-final-fase-invalid": Weigering(REGISSEUR, Fase.AFGESLOTEN, OngeldigeInvoerError, besluit="?"),
}


@pytest.mark.parametrize("weigering", TRIAGE_WEIGERINGEN.values(), ids=TRIAGE_WEIGERINGEN.keys())
def test_triage_refusals_write_nothing(fake_services: Services, database: FakeDatabase, weigering: Weigering) -> None:
    casus = casus_in(database, fake_services, fase=weigering.fase)
    before = copy.deepcopy(database.state)

    with pytest.raises(weigering.error) as raised:
        levensloop.triage(
            fake_services, weigering.gebruiker, casus.id, weigering.besluit, weigering.toelichting, now=NOW
        )

    assert type(raised.value) is weigering.error
    assert_nothing_written(database, before)


def test_an_invalid_transition_names_the_allowed_ones(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.TRIAGE)

    with pytest.raises(OngeldigeOvergangError) as raised:
        levensloop.triage(fake_services, REGISSEUR, casus.id, "in-behandeling", TOELICHTING, now=NOW)

    assert raised.value.fase == "triage"
    assert raised.value.toegestaan == ("triage->procesregie", "triage->advies", "triage->afgewezen")


def test_every_input_problem_is_reported_at_once(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services)

    with pytest.raises(OngeldigeInvoerError) as raised:
        levensloop.triage(fake_services, REGISSEUR, casus.id, "misschien", "", now=NOW)

    assert [name for name, _ in raised.value.problemen] == ["besluit", "toelichting"]


def test_a_withdrawn_deelname_counts_as_none(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services)
    database.state.casussen[casus.id].deelnames[1] = Deelname(casus.id, BUREAU, "procesregisseur", T0, NOW)

    with pytest.raises(NietGevondenError):
        levensloop.triage(fake_services, REGISSEUR, casus.id, "in-behandeling", TOELICHTING, now=NOW)
    assert database.commits == 0


def test_an_unknown_casus_is_not_found(fake_services: Services, database: FakeDatabase) -> None:
    with pytest.raises(NietGevondenError):
        levensloop.triage(fake_services, REGISSEUR, "0" * 32, "in-behandeling", TOELICHTING, now=NOW)
    assert database.commits == 0


def test_cter_regie_lies_with_the_weegploeg(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, casustype=Casustype.CTER)

    entry = levensloop.triage(fake_services, GEMEENTE, casus.id, "in-behandeling", TOELICHTING, now=NOW)

    assert entry.partner_id == GEMEENTE.partner_id
    assert database.state.casussen[casus.id].fase is Fase.TRIAGE
    # The Bureau does not take part in a CTER casus unless asked: for it the casus does not exist.
    with pytest.raises(NietGevondenError):
        levensloop.triage(fake_services, REGISSEUR, casus.id, "procesregie", TOELICHTING, now=NOW)
    assert database.commits == 1


# --- deelnemers -----------------------------------------------------------------------------------------------


def test_deelnemer_toevoegen_adds_the_partner_with_its_rol(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE)

    entry = levensloop.deelnemer_toevoegen(
        fake_services, REGISSEUR, casus.id, Uitnodiging(GGZ, "deelnemer", TOELICHTING), now=NOW
    )

    assert active_partners(database, casus.id, NOW)[GGZ] == "deelnemer"
    assert database.state.casussen[casus.id].deelnames[-1] == Deelname(casus.id, GGZ, "deelnemer", NOW)
    assert entries(database, casus.id) == [entry]
    assert (entry.handeling, entry.van_fase, entry.naar_fase) == (
        Handeling.DEELNEMER_TOEGEVOEGD,
        Fase.PROCESREGIE,
        Fase.PROCESREGIE,
    )
    assert dict(entry.gegevens) == {"partner": GGZ, "rol": "deelnemer", "grondslag": None}
    assert database.commits == 1


def test_a_cter_invitation_names_its_grondslag(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, casustype=Casustype.CTER, fase=Fase.PROCESREGIE)

    entry = levensloop.deelnemer_toevoegen(
        fake_services, GEMEENTE, casus.id, Uitnodiging(GGZ, "deelnemer", TOELICHTING, "wet-pga-3"), now=NOW
    )

    assert database.state.casussen[casus.id].deelnames[-1].grondslag == "wet-pga-3"
    assert entry.gegevens["grondslag"] == "wet-pga-3"


def _uitnodiging(
    partner: str = GGZ, rol: str = "deelnemer", toelichting: str | None = TOELICHTING, grondslag: str | None = None
) -> Uitnodiging:
    return Uitnodiging(partner, rol, toelichting, grondslag)


TOEVOEGEN_WEIGERINGEN: dict[str, tuple[Casustype, Fase, Gebruiker, Uitnodiging, type[DeelpoortError]]] = {
    "stranger-not-found": (Casustype.REGULIER, Fase.TRIAGE, GGZ_REGISSEUR, _uitnodiging(), NietGevondenError),
    "participant-without-regie": (Casustype.REGULIER, Fase.TRIAGE, AGENT, _uitnodiging(), NietToegestaanError),
    "unknown-partner": (
        Casustype.REGULIER,
        Fase.TRIAGE,
        REGISSEUR,
        _uitnodiging("onbekende-partner"),
        OngeldigeInvoerError,
    ),
    "rol-outside-casussen": (Casustype.REGULIER, Fase.TRIAGE, REGISSEUR, _uitnodiging(rol="fg"), OngeldigeInvoerError),
    "grondslag-on-a-regular-casus": (
        Casustype.REGULIER,
        Fase.TRIAGE,
        REGISSEUR,
        _uitnodiging(grondslag="avg-6-1-e-wgs"),
        OngeldigeInvoerError,
    ),
    "partner-outside-the-cter-convenant": (
        Casustype.CTER,
        Fase.TRIAGE,
        GEMEENTE,
        _uitnodiging(ANDERE_ZVH, grondslag="wet-pga-3"),
        OngeldigeInvoerError,
    ),
    "cter-invitation-without-grondslag": (Casustype.CTER, Fase.TRIAGE, GEMEENTE, _uitnodiging(), OngeldigeInvoerError),
    "cter-invitation-with-a-regular-grondslag": (
        Casustype.CTER,
        Fase.TRIAGE,
        GEMEENTE,
        _uitnodiging(grondslag="avg-6-1-e-wgs"),
        OngeldigeInvoerError,
    ),
    "cter-invitation-without-toelichting": (
        Casustype.CTER,
        Fase.TRIAGE,
        GEMEENTE,
        _uitnodiging(toelichting=None, grondslag="wet-pga-3"),
        OngeldigeInvoerError,
    ),
    "already-takes-part": (Casustype.REGULIER, Fase.TRIAGE, REGISSEUR, _uitnodiging(POLITIE), ConflictError),
    "closed-casus": (Casustype.REGULIER, Fase.AFGESLOTEN, REGISSEUR, _uitnodiging(), ConflictError),
    "rejected-casus": (Casustype.REGULIER, Fase.AFGEWEZEN, REGISSEUR, _uitnodiging(), ConflictError),
    # Input is checked before the fase: a closed casus with bad input is invalid input.
    "closed-casus-with-bad-input": (
        Casustype.REGULIER,
        Fase.AFGESLOTEN,
        REGISSEUR,
        _uitnodiging(rol="fg"),
        OngeldigeInvoerError,
    ),
}


@pytest.mark.parametrize(
    ("casustype", "fase", "gebruiker", "uitnodiging", "error"),
    TOEVOEGEN_WEIGERINGEN.values(),
    ids=TOEVOEGEN_WEIGERINGEN.keys(),
)
def test_deelnemer_toevoegen_refusals_write_nothing(
    fake_services: Services,
    database: FakeDatabase,
    casustype: Casustype,
    fase: Fase,
    gebruiker: Gebruiker,
    uitnodiging: Uitnodiging,
    error: type[DeelpoortError],
) -> None:
    casus = casus_in(database, fake_services, casustype=casustype, fase=fase)
    before = copy.deepcopy(database.state)

    with pytest.raises(error) as raised:
        levensloop.deelnemer_toevoegen(fake_services, gebruiker, casus.id, uitnodiging, now=NOW)

    assert type(raised.value) is error
    assert_nothing_written(database, before)


def test_deelnemer_verwijderen_ends_its_access_at_once(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE)
    levensloop.deelnemer_toevoegen(fake_services, REGISSEUR, casus.id, Uitnodiging(GGZ, "deelnemer"), now=T0)
    assert levensloop.lees(fake_services, GGZ_REGISSEUR, casus.id, now=NOW).id == casus.id

    entry = levensloop.deelnemer_verwijderen(fake_services, REGISSEUR, casus.id, GGZ, TOELICHTING, now=NOW)

    assert GGZ not in active_partners(database, casus.id, NOW)
    assert (entry.handeling, dict(entry.gegevens)) == (Handeling.DEELNEMER_VERWIJDERD, {"partner": GGZ})
    assert entries(database, casus.id)[-1] == entry
    with pytest.raises(NietGevondenError):
        levensloop.lees(fake_services, GGZ_REGISSEUR, casus.id, now=NOW)
    with pytest.raises(NietGevondenError):
        levensloop.historie(fake_services, GGZ_REGISSEUR, casus.id, now=NOW)
    assert database.commits == 2


VERWIJDEREN_WEIGERINGEN: dict[str, tuple[Casustype, Fase, Gebruiker, str, str | None, type[DeelpoortError]]] = {
    "stranger-not-found": (Casustype.REGULIER, Fase.TRIAGE, GGZ_REGISSEUR, POLITIE, None, NietGevondenError),
    "participant-without-regie": (Casustype.REGULIER, Fase.TRIAGE, AGENT, POLITIE, None, NietToegestaanError),
    "too-long-toelichting": (
        Casustype.REGULIER,
        Fase.TRIAGE,
        REGISSEUR,
        POLITIE,
        "x" * (MAX_TOELICHTING + 1),
        OngeldigeInvoerError,
    ),
    "not-taking-part": (Casustype.REGULIER, Fase.TRIAGE, REGISSEUR, GGZ, None, ConflictError),
    "the-bureau-by-right": (Casustype.REGULIER, Fase.TRIAGE, REGISSEUR, BUREAU, None, ConflictError),
    "the-weegploeg-by-right": (Casustype.CTER, Fase.TRIAGE, GEMEENTE, POLITIE, None, ConflictError),
    "closed-casus": (Casustype.REGULIER, Fase.AFGESLOTEN, REGISSEUR, POLITIE, None, ConflictError),
}


@pytest.mark.parametrize(
    ("casustype", "fase", "gebruiker", "partner", "toelichting", "error"),
    VERWIJDEREN_WEIGERINGEN.values(),
    ids=VERWIJDEREN_WEIGERINGEN.keys(),
)
def test_deelnemer_verwijderen_refusals_write_nothing(
    fake_services: Services,
    database: FakeDatabase,
    casustype: Casustype,
    fase: Fase,
    gebruiker: Gebruiker,
    partner: str,
    toelichting: str | None,
    error: type[DeelpoortError],
) -> None:
    casus = casus_in(database, fake_services, casustype=casustype, fase=fase)
    before = copy.deepcopy(database.state)

    with pytest.raises(error) as raised:
        levensloop.deelnemer_verwijderen(fake_services, gebruiker, casus.id, partner, toelichting, now=NOW)

    assert type(raised.value) is error
    assert_nothing_written(database, before)


# --- prioriteit -----------------------------------------------------------------------------------------------


def test_prioriteren_sets_and_clears(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.TRIAGE)

    levensloop.prioriteren(fake_services, REGISSEUR, casus.id, 1, now=NOW)
    assert database.state.casussen[casus.id].prioriteit == 1
    entry = levensloop.prioriteren(fake_services, REGISSEUR, casus.id, None, now=NOW)

    assert database.state.casussen[casus.id].prioriteit is None
    assert (entry.handeling, dict(entry.gegevens)) == (Handeling.PRIORITERING, {"prioriteit": None})
    assert database.commits == 2


@pytest.mark.parametrize(
    ("fase", "prioriteit", "error"),
    [
        (Fase.TRIAGE, 0, OngeldigeInvoerError),
        (Fase.TRIAGE, 6, OngeldigeInvoerError),
        (Fase.AFGESLOTEN, 2, ConflictError),
    ],
    ids=["below-1", "above-5", "closed-casus"],
)
def test_prioriteren_refusals_write_nothing(
    fake_services: Services, database: FakeDatabase, fase: Fase, prioriteit: int, error: type[DeelpoortError]
) -> None:
    casus = casus_in(database, fake_services, fase=fase)
    before = copy.deepcopy(database.state)

    with pytest.raises(error) as raised:
        levensloop.prioriteren(fake_services, REGISSEUR, casus.id, prioriteit, now=NOW)

    assert type(raised.value) is error
    assert_nothing_written(database, before)


# --- afsluiting -----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("beleid")  # the afsluiting supplies afsluitreden under the bronregels
def test_afsluiten_closes_and_ends_every_deelname_but_the_bureaus(
    fake_services: Services, database: FakeDatabase
) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE)

    entry = levensloop.afsluiten(fake_services, REGISSEUR, casus.id, "doel-gerealiseerd", TOELICHTING, now=NOW)

    stored = database.state.casussen[casus.id]
    assert (stored.fase, stored.afgesloten_op, stored.gewijzigd_op) == (Fase.AFGESLOTEN, NOW, NOW)
    assert active_partners(database, casus.id, NOW) == {BUREAU: "procesregisseur"}
    assert (entry.handeling, entry.van_fase, entry.naar_fase) == (
        Handeling.AFSLUITING,
        Fase.PROCESREGIE,
        Fase.AFGESLOTEN,
    )
    assert dict(entry.gegevens) == {"uitkomst": "doel-gerealiseerd", "overdracht": None}
    assert entries(database, casus.id) == [entry]
    assert database.commits == 1


@pytest.mark.usefixtures("beleid")  # the afsluiting supplies afsluitreden under the bronregels
def test_an_overdracht_lets_the_receiver_take_part_as_deelnemer(
    fake_services: Services, database: FakeDatabase
) -> None:
    casus = casus_in(database, fake_services, fase=Fase.ADVIES)

    entry = levensloop.afsluiten(fake_services, REGISSEUR, casus.id, "overgedragen", None, GGZ, now=NOW)

    assert active_partners(database, casus.id, NOW) == {BUREAU: "procesregisseur", GGZ: "deelnemer"}
    assert dict(entry.gegevens) == {"uitkomst": "overgedragen", "overdracht": GGZ}
    assert entry.toelichting is None


@pytest.mark.usefixtures("beleid")  # the afsluiting supplies afsluitreden under the bronregels
def test_an_overdracht_to_the_bureau_adds_no_second_deelname(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.ADVIES)

    levensloop.afsluiten(fake_services, REGISSEUR, casus.id, "overgedragen", None, BUREAU, now=NOW)

    assert [d.partner_id for d in database.state.casussen[casus.id].deelnames].count(BUREAU) == 1


def test_after_a_cter_afsluiting_nobody_takes_part(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, casustype=Casustype.CTER, fase=Fase.PROCESREGIE)

    levensloop.afsluiten(fake_services, GEMEENTE, casus.id, "doel-deels-gerealiseerd", now=NOW)

    assert active_partners(database, casus.id, NOW) == {}


AFSLUITEN_WEIGERINGEN: dict[str, tuple[Casustype, Fase, Gebruiker, str, str | None, type[DeelpoortError]]] = {
    "stranger-not-found": (
        Casustype.REGULIER,
        Fase.PROCESREGIE,
        GGZ_REGISSEUR,
        "doel-gerealiseerd",
        None,
        NietGevondenError,
    ),
    "participant-without-regie": (
        Casustype.REGULIER,
        Fase.PROCESREGIE,
        AGENT,
        "doel-gerealiseerd",
        None,
        NietToegestaanError,
    ),
    "unknown-uitkomst": (Casustype.REGULIER, Fase.PROCESREGIE, REGISSEUR, "opgelost", None, OngeldigeInvoerError),
    "overgedragen-without-overdracht": (
        Casustype.REGULIER,
        Fase.PROCESREGIE,
        REGISSEUR,
        "overgedragen",
        None,
        OngeldigeInvoerError,
    ),
    "overdracht-to-an-unknown-partner": (
        Casustype.REGULIER,
        Fase.PROCESREGIE,
        REGISSEUR,
        "overgedragen",
        "onbekende-partner",
        OngeldigeInvoerError,
    ),
    "overdracht-of-a-cter-casus": (
        Casustype.CTER,
        Fase.PROCESREGIE,
        GEMEENTE,
        "overgedragen",
        GGZ,
        OngeldigeInvoerError,
    ),
    "still-in-aanmelding": (
        Casustype.REGULIER,
        Fase.AANMELDING,
        REGISSEUR,
        "doel-gerealiseerd",
        None,
        OngeldigeOvergangError,
    ),
    "still-in-triage": (Casustype.REGULIER, Fase.TRIAGE, REGISSEUR, "doel-gerealiseerd", None, OngeldigeOvergangError),
    "closed-twice": (Casustype.REGULIER, Fase.AFGESLOTEN, REGISSEUR, "doel-gerealiseerd", None, OngeldigeOvergangError),
    "bad-input-in-triage-invalid": (Casustype.REGULIER, Fase.TRIAGE, REGISSEUR, "opgelost", None, OngeldigeInvoerError),
}


@pytest.mark.parametrize(
    ("casustype", "fase", "gebruiker", "uitkomst", "overdracht", "error"),
    AFSLUITEN_WEIGERINGEN.values(),
    ids=AFSLUITEN_WEIGERINGEN.keys(),
)
def test_afsluiten_refusals_write_nothing(
    fake_services: Services,
    database: FakeDatabase,
    casustype: Casustype,
    fase: Fase,
    gebruiker: Gebruiker,
    uitkomst: str,
    overdracht: str | None,
    error: type[DeelpoortError],
) -> None:
    casus = casus_in(database, fake_services, casustype=casustype, fase=fase)
    before = copy.deepcopy(database.state)

    with pytest.raises(error) as raised:
        levensloop.afsluiten(fake_services, gebruiker, casus.id, uitkomst, None, overdracht, now=NOW)

    assert type(raised.value) is error
    assert_nothing_written(database, before)


# --- history and reading --------------------------------------------------------------------------------------

ACTIONS: dict[str, Callable[[Services, str], object]] = {
    "triage": lambda s, c: levensloop.triage(s, REGISSEUR, c, "in-behandeling", TOELICHTING, now=NOW),
    "prioriteren": lambda s, c: levensloop.prioriteren(s, REGISSEUR, c, 3, TOELICHTING, now=NOW),
    "deelnemer-toevoegen": lambda s, c: levensloop.deelnemer_toevoegen(
        s, REGISSEUR, c, Uitnodiging(GGZ, "deelnemer", TOELICHTING), now=NOW
    ),
}


@pytest.mark.parametrize("action", ACTIONS.values(), ids=ACTIONS.keys())
def test_a_failing_history_write_commits_nothing(
    fake_services: Services, database: FakeDatabase, action: Callable[[Services, str], object]
) -> None:
    """The change and its history entry commit together: when the entry cannot be written, neither is (here the
    toelichting cannot be encrypted: the casus's key does not unwrap under its regime)."""
    casus = casus_in(database, fake_services)
    database.state.data_keys[casus.id] = Regime.CTER
    before = copy.deepcopy(database.state)

    with pytest.raises(CryptoError):
        action(fake_services, casus.id)

    assert database.commits == 0
    assert database.state == before


def test_historie_lists_the_entries_oldest_first_for_participants(
    fake_services: Services, database: FakeDatabase
) -> None:
    casus = casus_in(database, fake_services)
    first = levensloop.triage(fake_services, REGISSEUR, casus.id, "in-behandeling", TOELICHTING, now=T0)
    second = levensloop.triage(fake_services, REGISSEUR, casus.id, "advies", TOELICHTING, now=NOW)

    assert levensloop.historie(fake_services, AGENT, casus.id, now=NOW) == [first, second]
    for outsider in (GGZ_REGISSEUR, BUREAU_FG):
        with pytest.raises(NietGevondenError):
            levensloop.historie(fake_services, outsider, casus.id, now=NOW)


def test_lees_gives_the_casus_to_participants_only(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services)

    assert levensloop.lees(fake_services, ONDERSTEUNER, casus.id, now=NOW) == casus
    with pytest.raises(NietGevondenError):
        levensloop.lees(fake_services, GGZ_REGISSEUR, casus.id, now=NOW)
    assert database.commits == 0
