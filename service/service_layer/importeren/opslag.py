"""Storing a judged casus (`toets.Casusplan`) in the caller's unit of work, through the ports the aanmelding uses,
and the log record that accounts for it.

Invariants:
- Stored exactly as the use cases store the same history: the casus with its betrokkenen, nevenonderwerpen and
  every deelname (`casussen.add`), a data key of its own wrapped by its regime's KEK, every value encrypted under
  it with its bron and the moment it was supplied, a `bsn`'s blind index and the bijdrage rows
  (`aanlevering.bewaar`, as every aanlevering), the history entries with their own moments and toelichtingen
  encrypted (`historie.add`). Only the data key's own date is today's: it was made today.
- Where the use cases name the gebruiker who acted (a history entry, a bijdrage row), an imported one names the
  import run (its log record's id): the person is not known to Deelpoort, the run that wrote it is.
- The record (`Importcasus`) names every betrokkene of the casus and per veld the places it holds with the bron
  of each, on the grondslag and verwerkingsactiviteit the bronregels accepted it under; never a value.
- Nothing commits here; the caller commits the whole run at once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from service.domain.casus import new_id
from service.domain.convenant import Regime
from service.domain.importeren import Importcasus, Uitvoerder
from service.domain.verstrekking import Trace, VerstrektVeld
from service.service_layer.casus import aanlevering
from service.service_layer.importeren.toets import Casusplan
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

CASUS = "casus"  # the place of a value of the casus itself in a record


def sla_op(services: Services, uow: UnitOfWork, plan: Casusplan, run: str, now: dt.datetime) -> None:
    """Store one judged casus in the caller's transaction (module invariants); `run` is the import run's id."""
    casus = plan.casus
    regime = Regime.of(casus.casustype)
    uow.casussen.add(casus)
    uow.veldwaarden.create_data_key(casus.id, regime, now)
    for levering in plan.leveringen:
        aanlevering.bewaar(services, uow, (casus.id, regime), levering.waarden, (levering.bron, run), levering.op)
    for entry in plan.historie:
        uow.historie.add(entry, regime)


def casusrecord(
    plan: Casusplan, door: Uitvoerder, run: tuple[str, Trace], beleidsversie: str, now: dt.datetime
) -> Importcasus:
    """The log record of one stored casus: a span of its own below the run's (`run`: its id and trace)."""
    run_id, trace = run
    casus = plan.casus
    return Importcasus(
        id=new_id(),
        tijd=now,
        door=door,
        run=run_id,
        casus=casus.id,
        casustype=casus.casustype.value,
        betrokkenen=tuple(b.id for b in casus.betrokkenen),
        verstrekt=samengevoegd([v for levering in plan.leveringen for v in levering.verstrekt]),
        beleidsversie=beleidsversie,
        trace=Trace(trace.trace_id, secrets.token_hex(8), trace.span_id),
    )


def samengevoegd(velden: Sequence[VerstrektVeld]) -> tuple[VerstrektVeld, ...]:
    """The accepted velden of several supplies as one record lists them: one entry per (veld, grondslag,
    verwerkingsactiviteit), its places "casus" first and then by betrokkene id, each with its bron."""
    groepen: dict[tuple[str, str, str, int], list[tuple[str, str]]] = {}
    for veld in velden:
        key = (veld.veld, veld.grondslag, veld.verwerkingsactiviteit, veld.va_versie)
        groepen.setdefault(key, []).extend(zip(veld.plaatsen, veld.bronnen, strict=True))
    out = []
    for (naam, grondslag, va, versie), paren in sorted(groepen.items()):
        paren.sort(key=lambda paar: (paar[0] != CASUS, paar[0]))
        plaatsen = tuple(p for p, _ in paren)
        out.append(VerstrektVeld(naam, grondslag, va, versie, plaatsen, tuple(b for _, b in paren)))
    return tuple(out)
