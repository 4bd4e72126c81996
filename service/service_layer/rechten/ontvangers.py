"""Who received a disputed value before (AVG art. 19): the recipients the Bureau ZVH or the FG tells of a
correctie or verwijdering.

Invariants:
- Read from the log alone, through the derived lookup tables (a `Selectie` of the verzoek's casus and the
  person's betrokkene ids, brought up to date first), never by scanning the whole log.
- A recipient is a verstrekking (soort verstrekking, uitkomst verstrekt or gedeeltelijk) that released one of
  the verzoek's velden at one of its places, whose value came from the verzoek's bron partner (or whose record
  predates the bronnen and so cannot say: then it is listed, erring towards telling), before the verzoek was
  answered (while it is open: up to now).
- What is returned is metadata only: the partner, when, under which doel, the record's log index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain.correctie import Correctieverzoek
from service.domain.verantwoording import Selectie
from service.domain.verstrekking import VERSTREKKING, record_tijd
from service.service_layer.services import Services
from service.service_layer.verantwoording.raadplegen import Regel, bijwerken, regel

MAX_RECORDS = 10_000  # records of one casus and person read per verzoek
_UITGEVOERD = frozenset({"verstrekt", "gedeeltelijk"})


@dataclass(frozen=True, slots=True)
class Ontvanger:
    """One verstrekking of a disputed value: to whom, when, why, and where its record is."""

    partner: str
    naam: str
    tijd: str
    doel: str
    doel_naam: str
    log_index: int


def eerdere_ontvangers(
    services: Services, verzoeken: Sequence[Correctieverzoek]
) -> Mapping[str, tuple[Ontvanger, ...]]:
    """Per verzoek id, the verstrekkingen of its disputed values, in log order."""
    if not verzoeken:
        return {}
    bijwerken(services)
    convenant = services.convenant
    partners = {p.id: p.naam for p in convenant.partners}
    doelen = {d.id: d.naam for d in convenant.doelen}
    out: dict[str, tuple[Ontvanger, ...]] = {}
    with services.uow() as uow:
        for verzoek in verzoeken:
            selectie = Selectie(casus=verzoek.casus, betrokkenen=verzoek.betrokkenen)
            tot = record_tijd(verzoek.afgehandeld_op) if verzoek.afgehandeld_op else None
            gevonden = (regel(services, g) for g in uow.verantwoording.alle(selectie, limiet=MAX_RECORDS))
            out[verzoek.id] = tuple(
                Ontvanger(
                    r.partner,
                    partners.get(r.partner, r.partner),
                    r.tijd,
                    r.doel,
                    doelen.get(r.doel, r.doel),
                    r.log_index,
                )
                for r in gevonden
                if ontving(r, verzoek, tot)
            )
    return out


def ontving(found: Regel, verzoek: Correctieverzoek, tot: str | None) -> bool:
    """Whether the record released one of the verzoek's disputed values (see the module invariants)."""
    if found.soort != VERSTREKKING or found.uitkomst not in _UITGEVOERD or (tot is not None and found.tijd >= tot):
        return False
    betwist = set(verzoek.plaatsen)
    for veld in found.verstrekt:
        for i, plaats in enumerate(veld.plaatsen):
            if (plaats, veld.veld) not in betwist:
                continue
            if len(veld.bronnen) != len(veld.plaatsen) or veld.bronnen[i] == verzoek.bron:
                return True
    return False
