"""Running an import twice does not duplicate: each casus is recognised by the keyed hash of its externId (never
the id itself), skipped when unchanged, refused when changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from service.adapters.orm import CasusRow, ImportsleutelRow
from service.domain.casus import Gebruiker
from service.domain.convenant import Regime
from service.service_layer.importeren.importeren import importeer
from service.service_layer.services import Services
from tests.helpers.importbestand import database_inhoud, jaar, jsonl


def test_a_second_run_of_the_same_file_changes_nothing(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    bestand = jsonl(jaar(8, einde=nu))
    eerste = importeer(services, beheerder, bestand, now=nu)
    assert len(eerste.nieuw) == 8
    voor = database_inhoud(services)
    tweede = importeer(services, beheerder, bestand, now=nu + dt.timedelta(hours=1))
    assert (tweede.nieuw, tweede.overgeslagen, tweede.weigeringen, tweede.run) == ((), tuple(range(1, 9)), (), None)
    assert database_inhoud(services) == voor  # not even a log record: nothing was stored


def test_the_same_casus_written_otherwise_is_recognised(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    """Key order and whitespace are no change: the content is compared in canonical form."""
    regels = jaar(3, einde=nu)
    importeer(services, beheerder, jsonl(regels), now=nu)
    anders = "\r\n".join(json.dumps(dict(reversed(list(r.items()))), indent=None) for r in regels).encode()
    verslag = importeer(services, beheerder, b"\n" + anders + b"\n\n", now=nu)
    assert (verslag.nieuw, verslag.overgeslagen) == ((), (2, 3, 4))


def test_a_later_file_adds_only_what_is_new(services: Services, beheerder: Gebruiker, nu: dt.datetime) -> None:
    regels = jaar(10, einde=nu)
    importeer(services, beheerder, jsonl(regels[:6]), now=nu)
    verslag = importeer(services, beheerder, jsonl(regels), now=nu)
    assert (verslag.nieuw, verslag.overgeslagen) == ((7, 8, 9, 10), (1, 2, 3, 4, 5, 6))
    with services.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(CasusRow)) == 10
        assert connection.scalar(select(func.count()).select_from(ImportsleutelRow)) == 10


def test_a_changed_casus_is_refused_whole(services: Services, beheerder: Gebruiker, nu: dt.datetime) -> None:
    regels = jaar(4, einde=nu)
    importeer(services, beheerder, jsonl(regels), now=nu)
    regels[2]["velden"]["urgentie"]["waarde"] = "laag"
    regels.append(jaar(5, einde=nu, seed=9)[4] | {"externId": "ZVH-NIEUW-0001"})
    voor = database_inhoud(services)
    verslag = importeer(services, beheerder, jsonl(regels), now=nu)
    assert [(w.regel, w.plaats) for w in verslag.weigeringen] == [(3, "externId")]
    assert "never changes a stored casus" in verslag.weigeringen[0].reden
    assert database_inhoud(services) == voor  # line 5 is new, but a refused file stores nothing


def test_an_externid_twice_in_one_file_is_refused(services: Services, beheerder: Gebruiker, nu: dt.datetime) -> None:
    regels = jaar(3, einde=nu)
    regels[2]["externId"] = regels[0]["externId"]
    verslag = importeer(services, beheerder, jsonl(regels), now=nu)
    assert [(w.regel, w.plaats, w.reden) for w in verslag.weigeringen] == [
        (3, "externId", "the same externId as line 1: one casus per externId")
    ]


def test_the_key_is_a_keyed_hash_per_regime_never_the_externid(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    regels = jaar(2, einde=nu)
    importeer(services, beheerder, jsonl(regels), now=nu)
    with services.engine.connect() as connection:
        sleutels = set(connection.scalars(select(ImportsleutelRow.sleutel)))
    index = services.keys.blind_index
    assert sleutels == {index.extern_id_hex(Regime.REGULIER, r["externId"]) for r in regels}
    extern = regels[0]["externId"]
    assert index.extern_id_hex(Regime.CTER, extern) not in sleutels  # the regimes' keys differ: never linked
    assert extern not in str(sleutels)
    assert index.extern_id_hex(Regime.REGULIER, "999900122") != index.bsn_hex(Regime.REGULIER, "999900122")


def test_a_destroyed_casus_is_not_imported_again(services: Services, beheerder: Gebruiker, nu: dt.datetime) -> None:
    from service.service_layer.casus.bewaring import vernietig_casus

    regels = jaar(2, einde=nu)
    verslag = importeer(services, beheerder, jsonl(regels), now=nu)
    vernietig_casus(services, verslag.casussen[1], now=nu)
    opnieuw = importeer(services, beheerder, jsonl(regels), now=nu)
    assert (opnieuw.nieuw, opnieuw.overgeslagen) == ((), (1, 2))


def test_a_run_racing_another_for_the_same_casus_stores_nothing(
    services: Services, beheerder: Gebruiker, nu: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs of overlapping files at once: the one that commits second finds a key taken that its own check,
    made before the other committed, did not see (simulated: the check sees nothing), and fails whole."""
    from service.adapters.importen import ImportRepository
    from service.domain.errors import ConflictError

    regels = jaar(3, einde=nu)
    importeer(services, beheerder, jsonl(regels[:1]), now=nu)
    voor = database_inhoud(services)
    monkeypatch.setattr(ImportRepository, "bekend", lambda _self, _sleutels: {})
    with pytest.raises(ConflictError, match="another import stored some of these casussen"):
        importeer(services, beheerder, jsonl(regels), now=nu)
    assert database_inhoud(services) == voor
