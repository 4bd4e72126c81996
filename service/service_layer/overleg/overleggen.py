"""Use cases of an overleg: create it, list the agenda, put a casus on it, record attendance and verklaringen.

Every change checks, in this order: who may run the overleg (404, then 403), the input (400, every problem at
once), what is visible to the caller (404), the state (409); it commits in one unit of work or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.casus import Casus, Gebruiker, neemt_deel, new_id, utcnow
from service.domain.convenant import Convenant, Overlegsoort
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.levensloop import CASUSROLLEN, OPEN
from service.domain.overleg import Agendapunt, Overleg, Verklaring
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

VOORZITTERSROL = "procesregisseur"
MAX_UITGENODIGD = 50
MAX_PERIODE_DAGEN = 366
_NIET_GEVONDEN = "no such casus for this partner"


@dataclass(frozen=True, slots=True)
class Aanwezigheid:
    casus: str
    partner: str
    aanwezig: bool
    incidenteel: bool = False


def aanmaken(
    services: Services, gebruiker: Gebruiker, soort: str, datum: dt.date, *, now: dt.datetime | None = None
) -> Overleg:
    """Create an overleg of `soort` on `datum`, chaired by `gebruiker`.

    Raises:
        NietToegestaanError: the gebruiker is not a procesregisseur of the Bureau ZVH of the soort's convenant.
        OngeldigeInvoerError: an unknown soort.
    """
    now = now or utcnow()
    convenant = services.convenant
    gevonden = convenant.overlegsoort(soort)
    if gevonden is None:
        raise OngeldigeInvoerError([("soort", "unknown overleg soort (fixed or in the convenant)")])
    _vereis_voorzitter(convenant, gebruiker, gevonden)
    overleg = Overleg(new_id(), gevonden.id, gevonden.casustype, datum, gebruiker.id, gebruiker.partner_id, now)
    with services.uow() as uow:
        uow.overleggen.add(overleg)
        uow.commit()
    return overleg


def agenda(services: Services, gebruiker: Gebruiker, van: dt.date, tot: dt.date) -> list[Overleg]:
    """The overleggen dated from `van` to `tot` that the caller's partner chairs (whole agendas) or is invited to
    (only the agendapunten it is invited for, and only its own verklaring).

    Raises:
        NietToegestaanError: a rol that takes part in no casus (fg, beheerder).
        OngeldigeInvoerError: `tot` before `van`, or a period longer than a year.
    """
    if gebruiker.rol not in CASUSROLLEN:
        raise NietToegestaanError(f"rol '{gebruiker.rol}' takes part in no overleg")
    if tot < van:
        raise OngeldigeInvoerError([("tot", "must not be before van")])
    if (tot - van).days > MAX_PERIODE_DAGEN:
        raise OngeldigeInvoerError([("tot", f"at most {MAX_PERIODE_DAGEN} days after van")])
    partner = gebruiker.partner_id
    with services.uow() as uow:
        gevonden = uow.overleggen.lijst(van, tot, partner=partner)
    return [o if o.voorzitter_partner == partner else _voor_genodigde(o, partner) for o in gevonden]


def agendapunt_toevoegen(
    services: Services,
    gebruiker: Gebruiker,
    overleg_id: str,
    casus_id: str,
    uitgenodigd: list[str],
    *,
    now: dt.datetime | None = None,
) -> Agendapunt:
    """Put a casus on the agenda with the partners invited for it.

    Raises:
        NietGevondenError: no such overleg for this partner; the casus, or an invited partner's deelname in it,
            is not visible (the same answer for each).
        NietToegestaanError: the gebruiker may not run this overleg.
        OngeldigeInvoerError: duplicate or too many partners; a casus of another casustype than the overleg's.
        ConflictError: the casus is closed, or already on the agenda.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    if len(set(uitgenodigd)) != len(uitgenodigd):
        problems.append(("uitgenodigd", "names a partner more than once"))
    if len(uitgenodigd) > MAX_UITGENODIGD:
        problems.append(("uitgenodigd", f"at most {MAX_UITGENODIGD} partners"))
    with services.uow() as uow:
        overleg = te_leiden(uow, services.convenant, gebruiker, overleg_id)
        if problems:
            raise OngeldigeInvoerError(problems)
        casus = _zichtbare_casus(uow, gebruiker, casus_id, now)
        if casus.casustype is not overleg.casustype:
            reden = f"a {casus.casustype.value} casus is never on an overleg of soort '{overleg.soort}'"
            raise OngeldigeInvoerError([("casus", reden)])
        for partner in uitgenodigd:
            if not neemt_deel(casus, partner, now):
                raise NietGevondenError(_NIET_GEVONDEN)
        if casus.fase not in OPEN:
            raise ConflictError(f"the casus is {casus.fase.value}; it is discussed no more")
        if overleg.agendapunt(casus.id) is not None:
            raise ConflictError("this casus is already on the agenda")
        uow.overleggen.add_agendapunt(overleg.id, casus.id, uitgenodigd, now)
        return _vastgelegd(uow, overleg.id, casus.id)


def aanwezigheid_vastleggen(
    services: Services, gebruiker: Gebruiker, overleg_id: str, invoer: Aanwezigheid, *, now: dt.datetime | None = None
) -> Agendapunt:
    """Record whether an invited partner attends an agendapunt, and whether it is an incidental participant.

    Raises:
        NietGevondenError: no such overleg or agendapunt for this partner; the partner does not actively take part
            in the casus (as for a casus the caller may not see).
        NietToegestaanError: the gebruiker may not run this overleg.
        ConflictError: the partner was not invited for this agendapunt.
    """
    now = now or utcnow()
    with services.uow() as uow:
        overleg = te_leiden(uow, services.convenant, gebruiker, overleg_id)
        punt = overleg.agendapunt(invoer.casus)
        casus = uow.casussen.get(invoer.casus) if punt is not None else None
        if casus is None or not neemt_deel(casus, invoer.partner, now):
            raise NietGevondenError(_NIET_GEVONDEN)
        assert punt is not None  # noqa: S101 - casus is only read when there is one
        if punt.uitnodiging(invoer.partner) is None:
            raise ConflictError("this partner is not invited for this agendapunt")
        uow.overleggen.set_aanwezigheid(
            overleg.id, casus.id, invoer.partner, invoer.aanwezig, invoer.incidenteel, gebruiker.id, now
        )
        return _vastgelegd(uow, overleg.id, casus.id)


def verklaring_vastleggen(
    services: Services, gebruiker: Gebruiker, overleg_id: str, partner: str, *, now: dt.datetime | None = None
) -> Verklaring:
    """Record that a participant's geheimhoudingsverklaring for this overleg was received (when, by whom).

    Raises:
        NietGevondenError: no such overleg for this partner, or `partner` is invited for none of its agendapunten.
        NietToegestaanError: the gebruiker may not run this overleg.
        ConflictError: a verklaring of this partner is already recorded for the overleg.
    """
    now = now or utcnow()
    with services.uow() as uow:
        overleg = te_leiden(uow, services.convenant, gebruiker, overleg_id)
        if not any(p.uitnodiging(partner) is not None for p in overleg.agenda):
            raise NietGevondenError("this partner is invited for no agendapunt of this overleg")
        if overleg.verklaring(partner) is not None:
            raise ConflictError("this partner's verklaring is already recorded for this overleg")
        verklaring = Verklaring(partner, now, gebruiker.id)
        uow.overleggen.add_verklaring(overleg.id, verklaring)
        uow.commit()
    return verklaring


def te_leiden(uow: UnitOfWork, convenant: Convenant, gebruiker: Gebruiker, overleg_id: str) -> Overleg:
    """The overleg, if `gebruiker` may run it: a procesregisseur of the partner that chairs it.

    Raises:
        NietGevondenError: no such overleg, or another partner's.
        NietToegestaanError: the chairing partner's gebruiker in another rol.
    """
    overleg = uow.overleggen.get(overleg_id)
    if overleg is None or overleg.voorzitter_partner != gebruiker.partner_id:
        raise NietGevondenError("no such overleg for this partner")
    soort = convenant.overlegsoort(overleg.soort)
    if soort is None:
        raise NietGevondenError("no such overleg for this partner")  # a soort the convenant no longer has
    _vereis_voorzitter(convenant, gebruiker, soort)
    return overleg


def _vastgelegd(uow: UnitOfWork, overleg_id: str, casus_id: str) -> Agendapunt:
    """Commit, then the agendapunt as now stored."""
    uow.commit()
    overleg = uow.overleggen.get(overleg_id)
    punt = overleg.agendapunt(casus_id) if overleg is not None else None
    assert punt is not None  # noqa: S101 - just committed in this unit of work
    return punt


def _vereis_voorzitter(convenant: Convenant, gebruiker: Gebruiker, soort: Overlegsoort) -> None:
    document = convenant.document(soort.casustype)
    partner = convenant.partner(gebruiker.partner_id)
    bureau = document.bureau if document is not None else None
    if (
        gebruiker.rol != VOORZITTERSROL
        or bureau is None
        or gebruiker.partner_id != bureau
        or partner is None
        or document is None
        or document.id not in partner.convenanten
    ):
        raise NietToegestaanError("only a procesregisseur of the Bureau ZVH runs an overleg of this soort")


def _zichtbare_casus(uow: UnitOfWork, gebruiker: Gebruiker, casus_id: str, now: dt.datetime) -> Casus:
    casus = uow.casussen.get(casus_id)
    if casus is None or not neemt_deel(casus, gebruiker.partner_id, now):
        raise NietGevondenError(_NIET_GEVONDEN)
    return casus


def _voor_genodigde(overleg: Overleg, partner: str) -> Overleg:
    """What an invited partner sees of an overleg: its own agendapunten and its own verklaring."""
    agenda = tuple(p for p in overleg.agenda if p.uitnodiging(partner) is not None)
    verklaringen = tuple(v for v in overleg.verklaringen if v.partner == partner)
    return Overleg(
        overleg.id,
        overleg.soort,
        overleg.casustype,
        overleg.datum,
        overleg.voorzitter,
        overleg.voorzitter_partner,
        overleg.aangemaakt_op,
        agenda,
        verklaringen,
    )
