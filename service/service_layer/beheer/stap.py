"""The steps every beheer use case shares: who may act, the texts they give, the history record, the seal.

Invariants:
- Only a gebruiker with rol beheerder acts (`require_beheerder`); a toelichting or reden is required and
  bounded (`tekst`).
- A history record (`besluit`) names the acting beheerder, the proposal, what it changes and the versions
  before and after; never anything about a casus.
- A step appends its history records through `services.log.append_in`, in its own transaction: a checkpoint the
  signing rule makes due on the way is signed there, as for verstrekkingen. After each committed step a
  checkpoint is signed as well (`verzegel`), so history records never wait in the unsigned tail of the log; if
  that fails, the tail is still within the rule.
"""

from __future__ import annotations

import datetime as dt

import structlog

from service.domain.beheer import BEHEERDER, Beheerbesluit, Handeling, Voorstel
from service.domain.casus import Gebruiker, new_id
from service.domain.errors import NietToegestaanError, OngeldigeInvoerError
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

log = structlog.get_logger("deelpoort.beheer")

MAX_TOELICHTING = 2000


def require_beheerder(gebruiker: Gebruiker) -> None:
    if gebruiker.rol != BEHEERDER:
        raise NietToegestaanError("only a beheerder may do this")


def tekst(name: str, value: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_TOELICHTING:
        raise OngeldigeInvoerError([(name, f"required, at most {MAX_TOELICHTING} characters")])
    return value


def besluit(
    gebruiker: Gebruiker,
    voorstel: Voorstel,
    handeling: Handeling,
    toelichting: str,
    voor: str | None,
    na: str | None,
    now: dt.datetime | None = None,
    *,
    convenant: tuple[str | None, str | None] = (None, None),
) -> Beheerbesluit:
    """The history record of one step; `voor`/`na` are the active policy versions, `convenant` the convenant
    versions in force before and after (given for proposals of soort convenant)."""
    return Beheerbesluit(
        new_id(),
        now or voorstel.voorgesteld_op,
        gebruiker.partner_id,
        gebruiker.id,
        handeling,
        voorstel.id,
        voorstel.soort,
        toelichting,
        voor,
        na,
        voorstel.gebruiker or voorstel.partner or voorstel.casus,
        *convenant,
    )


def dien_in(services: Services, uow: UnitOfWork, size: int, gebruiker: Gebruiker, voorstel: Voorstel) -> None:
    """In the caller's transaction (which holds the head lock, at `size`): store the new proposal and its history
    record, naming the policy version it was made against before and after, and commit."""
    uow.voorstellen.add(voorstel)
    basis = voorstel.basisversie
    record = besluit(gebruiker, voorstel, Handeling.VOORSTEL, voorstel.toelichting, basis, basis)
    services.log.append_in(uow.log, size, [record])
    uow.commit()


def verzegel(services: Services) -> None:
    """Sign a checkpoint covering the history records just committed. The beheer step itself has committed, so a
    failure here is reported, not raised: the records are then covered by the next checkpoint."""
    try:
        services.log.checkpoint_now()
    except Exception as exc:  # the committed step must not be answered as failed
        log.warning("checkpoint_after_beheer_failed", error_type=type(exc).__name__)
