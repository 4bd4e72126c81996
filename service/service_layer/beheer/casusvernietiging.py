"""Early destruction of one casus by decision: a proposal of soort casus-vernietiging, with a reason (the
toelichting), approved by a second beheerder through the same routes and pages as every other proposal.

Invariants:
- Nothing is destroyed when proposed. Only `voorstellen.keur_goed` by another beheerder than the proposer
  destroys, through `uitvoeren`, in the approval's own transaction: the shredding (data key, values, history
  toelichtingen), the deleted blind index of the casus's betrokkenen, the proposal's decision, its history
  records and the destruction record (reden "besluit", naming the proposal) all commit together, or none does.
  It is then the same destruction `retention run` makes (`casus.bewaring`), logged the same way.
- An unknown casus is refused when proposed (400, naming `casus`), an already destroyed one when proposed or
  approved (409), as is a second open proposal for the same casus. A rejection destroys nothing.
- The proposal and its records name the casus by its id only; the toelichting is the beheerders' own text (the
  pages ask for a reason without personal data).
"""

from __future__ import annotations

import datetime as dt
import re

from service.domain.beheer import Soort, Status, Voorstel
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.errors import ConflictError, OngeldigeInvoerError
from service.domain.verstrekking import Vernietiging, Vernietigingsreden
from service.service_layer.beheer.stap import dien_in, require_beheerder, tekst, verzegel
from service.service_layer.casus.bewaring import shred_and_forget
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

_CASUS_ID = re.compile(r"[0-9a-f]{32}")


def stel_voor(
    services: Services, gebruiker: Gebruiker, toelichting: str, casus_id: str, *, now: dt.datetime | None = None
) -> Voorstel:
    """Propose to destroy the casus `casus_id` now, before its bewaartermijn ends; `toelichting` is the reason.

    Raises:
        NietToegestaanError: the gebruiker is not a beheerder.
        OngeldigeInvoerError: an empty toelichting, or no such casus.
        ConflictError: the casus's data is already destroyed, or a proposal to destroy it is open.
    """
    require_beheerder(gebruiker)
    toelichting = tekst("toelichting", toelichting)
    with services.uow() as uow:
        size = uow.log.lock_head()
        if not _CASUS_ID.fullmatch(casus_id) or uow.casussen.get(casus_id) is None:
            raise OngeldigeInvoerError([("vernietiging.casus", "no such casus")])
        if uow.casussen.is_destroyed(casus_id):
            raise ConflictError("the casus's data is already destroyed")
        if uow.voorstellen.open_voor_casus(casus_id) is not None:
            raise ConflictError("a proposal to destroy this casus is already open: approve or reject that one")
        basis = uow.beleid.active_version()
        voorstel = Voorstel(
            new_id(),
            Soort.CASUS_VERNIETIGING,
            Status.OPEN,
            toelichting,
            gebruiker.id,
            now or utcnow(),
            basis,
            None,
            None,
            casus=casus_id,
        )
        dien_in(services, uow, size, gebruiker, voorstel)
    verzegel(services)
    return voorstel


def uitvoeren(uow: UnitOfWork, voorstel: Voorstel, now: dt.datetime) -> Vernietiging:
    """Within the approval's transaction: destroy the casus and return its destruction record (the caller appends
    it with the approval's history records).

    Raises:
        ConflictError: the casus is gone or already destroyed (e.g. by a retention run since the proposal).
    """
    casus = uow.casussen.get(voorstel.casus or "")
    if casus is None:
        raise ConflictError("the casus of this proposal no longer exists")
    if uow.casussen.is_destroyed(casus.id):
        raise ConflictError("the casus's data is already destroyed")
    vergeten = shred_and_forget(uow, casus.id, now)
    reden = Vernietigingsreden.BESLUIT.value
    return Vernietiging(new_id(), now, casus.id, casus.casustype.value, reden, vergeten, voorstel.id)
