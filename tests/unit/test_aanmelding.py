"""Aanmelding and bijdragen (`service_layer/casus/aanmelding.py`) on fakes: what is stored, who takes part from
the start, and every refusal, each writing nothing."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from service.adapters.casus_keys import CasusKeys
from service.domain.casus import Gebruiker
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.errors import (
    CasusVernietigdError,
    ConflictError,
    DeelpoortError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.domain.levensloop import Handeling
from service.service_layer.casus.aanmelding import Aanmelding, BetrokkeneInvoer, Bijdrage, aanmelden, bijdragen
from service.service_layer.casus.levensloop import weegploeg
from service.service_layer.services import Services
from tests.unit.fakes import FakeDatabase
from tests.unit.scenario import (
    AGENT,
    AGENT_DEELNEMER,
    ANDERE_ZVH,
    BUREAU,
    GGZ_REGISSEUR,
    NOW,
    POLITIE,
    POLITIE_FG,
    REGISSEUR,
    casus_in,
)

# Synthetic BSNs from the 9999xxxxx range of fictitious persons; both pass the elfproef.
BSN_HOOFDPERSOON = "999900122"
BSN_SYSTEEMLID = "999900110"
SIGNAAL = "Synthetisch signaal: herhaalde overlast en zorgen om veiligheid."
ANDERE_ZVH_REGISSEUR = Gebruiker("g-andere-zvh", ANDERE_ZVH, "casusregisseur", "casusregisseur zvh groningen 1")


pytestmark = pytest.mark.usefixtures("beleid")


def hoofdpersoon(**velden: Any) -> BetrokkeneInvoer:
    return BetrokkeneInvoer("hoofdpersoon", velden or {"bsn": BSN_HOOFDPERSOON, "achternaam": "Testpersoon"})


def melding(**overrides: Any) -> Aanmelding:
    fields: dict[str, Any] = {
        "casustype": "regulier",
        "gemeente": "assen",
        "onderwerp": "verward-gedrag",
        "betrokkenen": [
            hoofdpersoon(bsn=BSN_HOOFDPERSOON, achternaam="Testpersoon", geboortedatum="1990-04-01"),
            BetrokkeneInvoer("systeemlid", {"bsn": BSN_SYSTEEMLID}, relatie="kind"),
        ],
        "velden": {"signaalOmschrijving": SIGNAAL},
    }
    fields.update(overrides)
    return Aanmelding(**fields)


def test_aanmelden_stores_the_casus_its_values_and_its_first_entry_in_one_commit(
    fake_services: Services, database: FakeDatabase, casus_keys: CasusKeys
) -> None:
    casus = aanmelden(fake_services, AGENT, melding(), now=NOW)

    state = database.state
    assert state.casussen[casus.id] == casus
    assert (casus.fase, casus.aanmelder, casus.aangemeld_op, casus.gewijzigd_op) == (Fase.AANMELDING, POLITIE, NOW, NOW)
    assert {(d.partner_id, d.rol, d.sinds, d.tot) for d in casus.deelnames} == {
        (POLITIE, "casusregisseur", NOW, None),
        (BUREAU, "procesregisseur", NOW, None),  # Bureau ZVH triages every regular casus
    }
    hoofd, kind = casus.betrokkenen
    assert (hoofd.rol.value, kind.rol.value, kind.relatie) == ("hoofdpersoon", "systeemlid", "kind")
    assert state.data_keys == {casus.id: Regime.REGULIER}
    stored = {plaats: (w.waarde, w.bron, w.bijgedragen_op) for plaats, w in state.waarden[casus.id].items()}
    assert stored == {
        (hoofd.id, "bsn"): (BSN_HOOFDPERSOON, POLITIE, NOW),
        (hoofd.id, "achternaam"): ("Testpersoon", POLITIE, NOW),
        (hoofd.id, "geboortedatum"): ("1990-04-01", POLITIE, NOW),
        (kind.id, "bsn"): (BSN_SYSTEEMLID, POLITIE, NOW),
        (None, "signaalOmschrijving"): (SIGNAAL, POLITIE, NOW),
    }
    blind = casus_keys.blind_index
    assert state.bsn_index == {
        hoofd.id: blind.bsn_hex(Regime.REGULIER, BSN_HOOFDPERSOON),
        kind.id: blind.bsn_hex(Regime.REGULIER, BSN_SYSTEEMLID),
    }
    [bijdrage] = state.bijdragen
    assert (bijdrage.partner_id, bijdrage.gebruiker_id, bijdrage.op) == (POLITIE, AGENT.id, NOW)
    assert bijdrage.plaatsen == tuple(sorted(f"{b or 'casus'}/{v}" for b, v in stored))
    [entry] = state.historie
    assert (entry.casus_id, entry.handeling, entry.van_fase, entry.naar_fase) == (
        casus.id,
        Handeling.AANMELDING,
        Fase.AANMELDING,
        Fase.AANMELDING,
    )
    assert (entry.partner_id, entry.gebruiker_id, dict(entry.gegevens)) == (
        POLITIE,
        AGENT.id,
        {"casustype": "regulier"},
    )
    assert database.commits == 1
    assert len(database.units) == 1


def test_a_cter_aanmelding_is_kept_apart(
    fake_services: Services, database: FakeDatabase, casus_keys: CasusKeys
) -> None:
    casus = aanmelden(fake_services, AGENT, melding(casustype="cter", onderwerp="radicalisering", velden={}), now=NOW)

    assert {d.partner_id for d in casus.deelnames} == set(weegploeg(fake_services.convenant, "assen"))
    assert BUREAU not in {d.partner_id for d in casus.deelnames}
    assert database.state.data_keys == {casus.id: Regime.CTER}
    hoofd = casus.betrokkenen[0]
    index = database.state.bsn_index[hoofd.id]
    assert index == casus_keys.blind_index.bsn_hex(Regime.CTER, BSN_HOOFDPERSOON)
    assert index != casus_keys.blind_index.bsn_hex(Regime.REGULIER, BSN_HOOFDPERSOON)  # never linked to regular
    assert dict(database.state.historie[0].gegevens) == {"casustype": "cter"}


AANMELDEN_WEIGERINGEN: dict[str, tuple[Gebruiker, dict[str, Any], type[DeelpoortError], list[str]]] = {
    "unknown-casustype": (AGENT, {"casustype": "zwaar"}, OngeldigeInvoerError, ["casustype"]),
    "unknown-gemeente": (AGENT, {"gemeente": "atlantis"}, OngeldigeInvoerError, ["gemeente"]),
    "unknown-onderwerp": (AGENT, {"onderwerp": "geluid"}, OngeldigeInvoerError, ["onderwerp"]),
    "no-betrokkenen": (AGENT, {"betrokkenen": []}, OngeldigeInvoerError, ["betrokkenen", "betrokkenen"]),
    "two-hoofdpersonen": (
        AGENT,
        {"betrokkenen": [hoofdpersoon(), hoofdpersoon()]},
        OngeldigeInvoerError,
        ["betrokkenen"],
    ),
    "unknown-betrokkene-rol": (
        AGENT,
        {"betrokkenen": [hoofdpersoon(), BetrokkeneInvoer("buurman", {})]},
        OngeldigeInvoerError,
        ["betrokkenen[1].rol"],
    ),
    "veld-not-in-the-catalogus": (
        AGENT,
        {"betrokkenen": [hoofdpersoon(schoenmaat="44")]},
        OngeldigeInvoerError,
        ["betrokkenen[0].velden.schoenmaat"],
    ),
    "casus-veld-under-a-betrokkene": (
        AGENT,
        {"betrokkenen": [hoofdpersoon(signaalOmschrijving=SIGNAAL)]},
        OngeldigeInvoerError,
        ["betrokkenen[0].velden.signaalOmschrijving"],
    ),
    "betrokkene-veld-under-the-casus": (
        AGENT,
        {"velden": {"bsn": BSN_HOOFDPERSOON}},
        OngeldigeInvoerError,
        ["velden.bsn"],
    ),
    "bsn-failing-the-elfproef": (
        AGENT,
        {"betrokkenen": [hoofdpersoon(bsn="123456789")]},
        OngeldigeInvoerError,
        ["betrokkenen[0].velden.bsn"],
    ),
    "every-problem-at-once": (
        AGENT,
        {"gemeente": "atlantis", "onderwerp": "geluid", "velden": {"schoenmaat": "44"}},
        OngeldigeInvoerError,
        ["gemeente", "onderwerp", "velden.schoenmaat"],
    ),
    "rol-deelnemer-may-not-refer": (AGENT_DEELNEMER, {}, NietToegestaanError, []),
    "an-fg-may-not-refer": (POLITIE_FG, {}, NietToegestaanError, []),
    "partner-outside-the-cter-convenant": (
        ANDERE_ZVH_REGISSEUR,
        {"casustype": "cter", "onderwerp": "radicalisering", "velden": {}},
        NietToegestaanError,
        [],
    ),
    "cter-only-by-the-weegploeg": (
        GGZ_REGISSEUR,
        {"casustype": "cter", "onderwerp": "radicalisering", "velden": {}},
        NietToegestaanError,
        [],
    ),
    # The input is checked before who refers: bad input from a rol that may not refer is invalid input.
    "bad-input-from-a-rol-that-may-not-refer": (
        AGENT_DEELNEMER,
        {"gemeente": "atlantis"},
        OngeldigeInvoerError,
        ["gemeente"],
    ),
}


@pytest.mark.parametrize(
    ("gebruiker", "overrides", "error", "plaatsen"), AANMELDEN_WEIGERINGEN.values(), ids=AANMELDEN_WEIGERINGEN.keys()
)
def test_aanmelden_refusals_write_nothing(
    fake_services: Services,
    database: FakeDatabase,
    gebruiker: Gebruiker,
    overrides: dict[str, Any],
    error: type[DeelpoortError],
    plaatsen: list[str],
) -> None:
    with pytest.raises(error) as raised:
        aanmelden(fake_services, gebruiker, melding(**overrides), now=NOW)

    assert type(raised.value) is error
    if isinstance(raised.value, OngeldigeInvoerError):
        assert [name for name, _ in raised.value.problemen] == plaatsen
    assert database.units == []  # refused before a unit of work was even begun
    assert database.commits == 0


def test_a_refused_value_is_never_repeated(fake_services: Services) -> None:
    with pytest.raises(OngeldigeInvoerError) as raised:
        aanmelden(fake_services, AGENT, melding(betrokkenen=[hoofdpersoon(bsn="123456789", geboortedatum="morgen")]))

    assert "123456789" not in str(raised.value)
    assert "morgen" not in str(raised.value)


# --- bijdragen ------------------------------------------------------------------------------------------------


def test_bijdragen_stores_the_values_with_the_contributor_as_bron(
    fake_services: Services, database: FakeDatabase, casus_keys: CasusKeys
) -> None:
    casus = casus_in(database, fake_services, fase=Fase.TRIAGE)
    hoofd = casus.betrokkenen[0].id

    names = bijdragen(
        fake_services,
        REGISSEUR,
        casus.id,
        Bijdrage([BetrokkeneInvoer("hoofdpersoon", {"bsn": BSN_HOOFDPERSOON}, id=hoofd)], {"urgentie": "hoog"}),
        now=NOW,
    )

    assert names == sorted([f"{hoofd}/bsn", "casus/urgentie"])
    stored = database.state.waarden[casus.id]
    assert {p: (w.waarde, w.bron) for p, w in stored.items()} == {
        (hoofd, "bsn"): (BSN_HOOFDPERSOON, BUREAU),
        (None, "urgentie"): ("hoog", BUREAU),
    }
    assert database.state.bsn_index == {hoofd: casus_keys.blind_index.bsn_hex(Regime.REGULIER, BSN_HOOFDPERSOON)}
    [bijdrage] = database.state.bijdragen
    assert (bijdrage.partner_id, bijdrage.gebruiker_id, bijdrage.plaatsen) == (BUREAU, REGISSEUR.id, tuple(names))
    assert database.state.casussen[casus.id].gewijzigd_op == NOW
    assert database.state.historie == []  # a bijdrage is recorded as a bijdrage, not as a lifecycle entry
    assert database.commits == 1


def test_a_bijdrage_replaces_an_earlier_value(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE)
    bijdragen(fake_services, AGENT, casus.id, Bijdrage(velden={"urgentie": "laag"}), now=NOW)

    bijdragen(fake_services, REGISSEUR, casus.id, Bijdrage(velden={"urgentie": "hoog"}), now=NOW)

    value = database.state.waarden[casus.id][(None, "urgentie")]
    assert (value.waarde, value.bron) == ("hoog", BUREAU)
    assert len(database.state.bijdragen) == 2


def _bijdrage_velden(velden: Mapping[str, Any]) -> Bijdrage:
    return Bijdrage(velden=velden)


BIJDRAGEN_WEIGERINGEN: dict[str, tuple[Gebruiker, Fase, Bijdrage | None, type[DeelpoortError], list[str]]] = {
    "stranger-not-found": (GGZ_REGISSEUR, Fase.TRIAGE, None, NietGevondenError, []),
    "fg-of-a-participant-may-not": (POLITIE_FG, Fase.TRIAGE, None, NietToegestaanError, []),
    "closed-casus": (AGENT, Fase.AFGESLOTEN, None, NietGevondenError, []),  # the police's deelname ended
    "closed-casus-for-the-bureau": (REGISSEUR, Fase.AFGESLOTEN, None, ConflictError, []),
    "rejected-casus": (REGISSEUR, Fase.AFGEWEZEN, None, ConflictError, []),
    "nothing-contributed": (AGENT, Fase.TRIAGE, Bijdrage(), OngeldigeInvoerError, ["body"]),
    "unknown-betrokkene": (
        AGENT,
        Fase.TRIAGE,
        Bijdrage([BetrokkeneInvoer("hoofdpersoon", {"achternaam": "X"}, id="0" * 32)]),
        OngeldigeInvoerError,
        ["betrokkenen[0].id"],
    ),
    "invalid-value": (
        AGENT,
        Fase.TRIAGE,
        _bijdrage_velden({"urgentie": "enorm"}),
        OngeldigeInvoerError,
        ["velden.urgentie"],
    ),
    "veld-not-in-the-catalogus": (
        AGENT,
        Fase.TRIAGE,
        _bijdrage_velden({"schoenmaat": "44"}),
        OngeldigeInvoerError,
        ["velden.schoenmaat"],
    ),
}


@pytest.mark.parametrize(
    ("gebruiker", "fase", "bijdrage", "error", "plaatsen"),
    BIJDRAGEN_WEIGERINGEN.values(),
    ids=BIJDRAGEN_WEIGERINGEN.keys(),
)
def test_bijdragen_refusals_write_nothing(
    fake_services: Services,
    database: FakeDatabase,
    gebruiker: Gebruiker,
    fase: Fase,
    bijdrage: Bijdrage | None,
    error: type[DeelpoortError],
    plaatsen: list[str],
) -> None:
    casus = casus_in(database, fake_services, fase=fase)
    before = copy.deepcopy(database.state)

    with pytest.raises(error) as raised:
        bijdragen(fake_services, gebruiker, casus.id, bijdrage or _bijdrage_velden({"urgentie": "hoog"}), now=NOW)

    assert type(raised.value) is error
    if isinstance(raised.value, OngeldigeInvoerError):
        assert [name for name, _ in raised.value.problemen] == plaatsen
    assert database.commits == 0
    assert database.writes == []
    assert database.state == before


def test_bijdragen_to_a_destroyed_casus_is_refused(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE)
    del database.state.data_keys[casus.id]  # its data key was shredded
    before = copy.deepcopy(database.state)

    with pytest.raises(CasusVernietigdError):
        bijdragen(fake_services, AGENT, casus.id, _bijdrage_velden({"urgentie": "hoog"}), now=NOW)

    assert database.commits == 0
    assert database.state == before


def test_a_cter_casus_receives_values_under_its_own_regime(fake_services: Services, database: FakeDatabase) -> None:
    """The fake refuses a store under another regime than the casus's key, as the real key would not unwrap."""
    casus = casus_in(database, fake_services, casustype=Casustype.CTER, fase=Fase.TRIAGE)

    bijdragen(fake_services, AGENT, casus.id, _bijdrage_velden({"urgentie": "hoog"}), now=NOW)

    assert database.state.casussen[casus.id].casustype is Casustype.CTER
    assert database.state.waarden[casus.id][(None, "urgentie")].bron == POLITIE
