"""The verslag of a casus's bespreking in an overleg: case data, written by the voorzitter.

Invariants:
- Only a gebruiker who may run the overleg (`overleggen.te_leiden`) writes it, only for a casus on its agenda.
- It is stored as the casus veld `verslag` through the bijdrage use case: encrypted under the casus's data key and
  bound to `casus/verslag`, accepted only when the bronregels let the Bureau supply categorie `overleg`, logged as
  its aanlevering in the same transaction, shredded with the casus, released only by the field policy.
- The casus holds one verslag: the latest bespreking's (the agendapunt records when it was written).
"""

from __future__ import annotations

import datetime as dt

from service.domain.casus import Gebruiker, utcnow
from service.domain.errors import NietGevondenError
from service.domain.overleg import VERSLAGVELD
from service.service_layer.casus.aanlevering import Herkomst
from service.service_layer.casus.aanmelding import Bijdrage, bijdragen
from service.service_layer.overleg.overleggen import te_leiden
from service.service_layer.services import Services


def verslag_vastleggen(
    services: Services,
    gebruiker: Gebruiker,
    overleg_id: str,
    casus_id: str,
    verslag: str,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Store the voorzitter's verslag of `casus_id`'s bespreking in the overleg.

    Raises:
        NietGevondenError: no such overleg for this partner, or the casus is not on its agenda.
        NietToegestaanError: the gebruiker may not run this overleg; the bronregels refuse the verslag (logged).
        OngeldigeInvoerError: a verslag that is not valid for the veld (e.g. too long).
        ConflictError: the casus is closed.
        CasusVernietigdError: the casus's data was destroyed.
        LogNietBeschikbaarError: the log could not record the aanlevering (nothing stored).
    """
    now = now or utcnow()
    with services.uow() as uow:
        overleg = te_leiden(uow, services.convenant, gebruiker, overleg_id)
        if overleg.agendapunt(casus_id) is None:
            raise NietGevondenError("no such agendapunt on this overleg")
    bijdragen(services, gebruiker, casus_id, Bijdrage(velden={VERSLAGVELD: verslag}), herkomst=herkomst, now=now)
    with services.uow() as uow:
        uow.overleggen.set_verslag_op(overleg.id, casus_id, now)
        uow.commit()
