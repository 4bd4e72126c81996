"""The texts of a casus's plan van aanpak as a verstrekking: decided, logged and released like any other.

Invariants (DESIGN 1, 2, 3):
- Each kind of text counts as its veld of categorie `plan` (`domain.plan.TEKSTVELD`): a doel's text as
  `planDoelen`, an actie's omschrijving and an afspraak's text as `afspraken`, an opschaling's reden and
  toelichting as `escalatie`. The pure decision `domain.beslissing.beslis` decides per veld on the same facts
  as a verstrekking of casus values (policy for partner, rol, casustype and doel, deelname, the doel permitted
  in the fase, beperkingen, destroyed data); only the texts of the velden it releases are decrypted.
- The record is the ordinary verstrekking record (the velden with grondslag and verwerkingsactiviteit, the
  withheld names, the betrokkenen by opaque id, the policy version, the trace), durable before any text is
  returned; refusals are logged too. A veld asked for that is no text of a plan is refused as an unknown name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.beslissing import Verzoek, als_verstrekking, beslis, onbekende_namen
from service.domain.casus import Gebruiker, utcnow
from service.domain.convenant import Verwerkingsactiviteit
from service.domain.plan import TEKSTVELDEN, Plan
from service.domain.verstrekking import Ontvangstbewijs, Trace, Verstrekking
from service.service_layer.services import Services
from service.service_layer.verstrekking.verstrekken import aanvrager_van, fout, laad_feiten


@dataclass(frozen=True, slots=True)
class Planinzage:
    """What the caller receives: the plan's metadata, the released texts by (item id, kolom), the record and
    its receipt."""

    verstrekking: Verstrekking
    plan: Plan
    teksten: dict[tuple[str, str], str]
    verwerkingsactiviteit: Verwerkingsactiviteit
    bewijs: Ontvangstbewijs


def inzien(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    verzoek: Verzoek,
    trace: Trace,
    *,
    certificaat_oin: str | None = None,
    now: dt.datetime | None = None,
) -> Planinzage:
    """Load, decide, decrypt the released texts, log durably, then hand out the plan with those texts.

    Raises (each after its refusal was logged):
        OngeldigeInvoerError: an unknown doel, or a veld that is no text of a plan (named).
        NietGevondenError: no such casus, or the partner does not take part in it.
        NietToegestaanError: the doel is not permitted in the casus's fase.
        CasusVernietigdError: the casus's data was destroyed.
        GeenBeleidError: no usable active policy.
        LogNietBeschikbaarError: the log could not record (nothing disclosed).
    """
    now = now or utcnow()
    aanvrager = aanvrager_van(services, gebruiker, casus_id, verzoek.doel, trace, certificaat_oin, now)
    onbekend = onbekende_namen(services.convenant, verzoek)
    onbekend += [
        (f"velden[{i}]", "not a text of the plan van aanpak")
        for i, veld in enumerate(verzoek.velden or ())
        if veld not in TEKSTVELDEN and services.convenant.veld(veld) is not None
    ]
    with services.uow() as uow:
        casus = uow.casussen.get(casus_id) if not onbekend and aanvrager.casus is not None else None
        feiten, versleuteld, geen_beleid = laad_feiten(
            services, uow, gebruiker, (verzoek, onbekend), casus, now, uow.plannen.versleuteld
        )
        beslissing = beslis(feiten)
        released = beslissing.weigering is None and versleuteld is not None
        teksten = versleuteld.teksten(beslissing.vrijgegeven) if released and versleuteld else {}
        inhoud = uow.plannen.plan(casus.id) if released and casus is not None else None
    verstrekking = als_verstrekking(beslissing, aanvrager, casus)
    bewijs = services.log.append(verstrekking)  # durable before anything is returned (raises: fail closed)
    if beslissing.weigering is not None:
        raise fout(beslissing, geen_beleid)
    assert inhoud is not None and feiten.verwerkingsactiviteit is not None  # noqa: S101 - released: both known
    return Planinzage(verstrekking, inhoud, teksten, feiten.verwerkingsactiviteit, bewijs)
