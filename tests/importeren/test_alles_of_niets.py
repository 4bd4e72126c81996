"""A file with an error on line N changes nothing, and its report names the line, the place and the rule, never the
value found there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from service.domain.casus import Gebruiker
from service.service_layer.importeren.importeren import importeer
from service.service_layer.services import Services
from tests.helpers.importbestand import casusregel, database_inhoud, iso, jaar, jsonl

REGELS = 10
FOUT_OP = 7  # the line (1-based) that is broken

Regel = dict[str, Any]


def _zet(pad: str, waarde: object, *, code: bool = False) -> Callable[[Regel], object]:
    """Put `waarde` at a dotted path (`betrokkenen.0.velden.bsn.waarde`); returns what was put, to look for in the
    report (None for a code of the format or the convenant, which a rule may name)."""

    def wijzig(regel: Regel) -> object:
        *weg, laatste = pad.split(".")
        doel: Any = regel
        for stuk in weg:
            doel = doel[int(stuk)] if stuk.isdigit() else doel[stuk]
        doel[int(laatste) if laatste.isdigit() else laatste] = waarde
        return None if code else waarde

    return wijzig


def _stap_terug(regel: Regel) -> object:
    """The last step dated a day before the first."""
    eerste = dt.datetime.fromisoformat(regel["historie"][0]["op"])
    regel["historie"][-1]["op"] = iso(eerste - dt.timedelta(days=1))
    return None


def _afsluiting_uit_triage(regel: Regel) -> object:
    """An afsluiting straight after the start of the triage (no procesregie or advies yet)."""
    eerste = regel["historie"][0]
    regel["historie"] = [eerste, {"handeling": "afsluiting", "op": eerste["op"], "uitkomst": "doel-gerealiseerd"}]
    return None


def _toekomst(regel: Regel) -> object:
    regel["historie"][-1]["op"] = iso(dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    return None


def _politie_door_ggz(regel: Regel) -> object:
    """Police data supplied by a care partner: the bronregels allow it only from the politie."""
    regel["betrokkenen"][0]["velden"]["aantalIncidenten"] = {
        "waarde": 7,
        "bron": "ggz-drenthe",
        "op": regel["historie"][2]["op"],
    }
    return None


def _geen_deelnemer(regel: Regel) -> object:
    """A bijdrage by a partner that never took part in the casus."""
    regel["betrokkenen"][0]["velden"]["lvb"] = {
        "waarde": "vermoeden",
        "bron": "mee-drenthe",
        "op": regel["historie"][2]["op"],
    }
    return None


def _dubbele_sleutel(regel: Regel) -> object:
    return None  # made in the bytes (see `_bestand`)


FOUTEN: list[tuple[str, Callable[[Regel], object], str, str]] = [
    (
        "bsn fails the elfproef",
        _zet("betrokkenen.0.velden.bsn.waarde", "123456789"),
        "betrokkenen[0].velden.bsn",
        "eleven-test",
    ),
    (
        "unknown veld",
        _zet("velden.lievelingskleur", {"waarde": "Synthetisch", "bron": "politie-noord-nederland"}),
        "velden.lievelingskleur",
        "veldcatalogus",
    ),
    ("unknown gemeente", _zet("gemeente", "atlantis-synthetisch"), "gemeente", "unknown gemeente"),
    ("unknown key", _zet("kleur", "rood"), "kleur", "unknown key"),
    ("unknown bron", _zet("velden.urgentie.bron", "geheime-dienst"), "velden.urgentie.bron", "unknown partner"),
    ("a date without offset", _zet("aanmelding.op", "2026-01-05T10:00:00"), "aanmelding.op", "offset"),
    ("a step before the one before it", _stap_terug, "historie[4].op", "before"),
    ("a date in the future", _toekomst, "historie[4].op", "past"),
    ("a transition the lifecycle does not allow", _afsluiting_uit_triage, "historie[1].handeling", "not allowed"),
    ("triage without toelichting", _zet("historie.0.toelichting", " "), "historie[0].toelichting", "required"),
    ("police data from a care partner", _politie_door_ggz, "betrokkenen[0].velden.aantalIncidenten", "bronregels"),
    (
        "a bijdrage of a partner not taking part",
        _geen_deelnemer,
        "betrokkenen[0].velden.lvb.bron",
        "does not take part",
    ),
    (
        "an afsluitreden supplied as a value",
        _zet("velden.afsluitreden", {"waarde": "anders", "bron": "politie-noord-nederland"}),
        "velden.afsluitreden",
        "afsluiting",
    ),
    (
        "a step by a partner without the regie",
        _zet("historie.0.door", {"partner": "politie-noord-nederland", "rol": "casusregisseur"}),
        "historie[0].door",
        "regie",
    ),
    ("two hoofdpersonen", _zet("betrokkenen.1.rol", "hoofdpersoon", code=True), "betrokkenen", "exactly one"),
    ("a key twice in one object", _dubbele_sleutel, "urgentie", "twice"),
]


def _bestand(nu: dt.datetime, fout: Callable[[Regel], object]) -> tuple[bytes, object]:
    regels = jaar(REGELS, einde=nu, seed=5)
    # Line FOUT_OP: a sound casus with five steps (triage, deelnemer, triage, prioritering, afsluiting), broken.
    gebroken = casusregel("ZVH-OUD-FOUT", nu - dt.timedelta(days=200), bsn="999900134", systeemlid_bsn="999900146")
    gezet = fout(gebroken)
    regels[FOUT_OP - 1] = gebroken
    data = jsonl(regels)
    if fout is _dubbele_sleutel:
        lijnen = data.split(b"\n")
        lijnen[FOUT_OP - 1] = lijnen[FOUT_OP - 1].replace(
            b'"urgentie": {', b'"urgentie": {"waarde": "laag", "bron": "x"}, "urgentie": {', 1
        )
        data = b"\n".join(lijnen)
    return data, gezet


@pytest.mark.parametrize(("fout", "plaats", "reden"), [f[1:] for f in FOUTEN], ids=[f[0] for f in FOUTEN])
def test_an_error_on_one_line_changes_nothing_and_is_named_without_its_value(
    services: Services, beheerder: Gebruiker, nu: dt.datetime, fout: Callable[[Regel], object], plaats: str, reden: str
) -> None:
    data, gezet = _bestand(nu, fout)
    voor = database_inhoud(services)
    verslag = importeer(services, beheerder, data, now=nu)
    assert database_inhoud(services) == voor
    assert not verslag.opgeslagen and verslag.run is None
    assert {w.regel for w in verslag.weigeringen} == {FOUT_OP}, verslag.weigeringen
    assert any(w.plaats == plaats and reden in w.reden for w in verslag.weigeringen), verslag.weigeringen
    if isinstance(gezet, str) and len(gezet) > 3:
        assert not [w for w in verslag.weigeringen if gezet in w.plaats + w.reden]


def test_a_dry_run_of_a_sound_file_changes_nothing(services: Services, beheerder: Gebruiker, nu: dt.datetime) -> None:
    voor = database_inhoud(services)
    verslag = importeer(services, beheerder, jsonl(jaar(REGELS, einde=nu)), droog=True, now=nu)
    assert database_inhoud(services) == voor
    assert (verslag.nieuw, verslag.weigeringen, verslag.run) == (tuple(range(1, REGELS + 1)), (), None)


def test_a_refusal_at_the_last_moment_leaves_no_casus_behind(
    services: Services, beheerder: Gebruiker, nu: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing also when storing fails after some casussen were written (here: the log refuses)."""
    from service.domain.errors import LogNietBeschikbaarError

    def weigert(*_args: object) -> None:
        raise LogNietBeschikbaarError("synthetic: the log is full")

    voor = database_inhoud(services)
    monkeypatch.setattr(services.log, "append_in", weigert)
    with pytest.raises(LogNietBeschikbaarError):
        importeer(services, beheerder, jsonl(jaar(REGELS, einde=nu)), now=nu)
    assert database_inhoud(services) == voor


def test_a_file_without_a_casus_is_refused(services: Services, beheerder: Gebruiker, nu: dt.datetime) -> None:
    verslag = importeer(services, beheerder, b"\n  \n", now=nu)
    assert [(w.regel, w.reden) for w in verslag.weigeringen] == [(0, "the file holds no casus")]


def test_only_a_beheerder_imports(services: Services, nu: dt.datetime) -> None:
    from service.domain.errors import NietToegestaanError

    regisseur = Gebruiker("c" * 32, "bureau-zvh-drenthe", "procesregisseur", "procesregisseur (synthetisch)")
    with pytest.raises(NietToegestaanError):
        importeer(services, regisseur, jsonl(jaar(1, einde=nu)), now=nu)
