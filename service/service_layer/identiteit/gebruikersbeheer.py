"""Gebruikers as managed data: beheerders list, create, suspend, reinstate and remove them (issue 19).

Invariants:
- Only a beheerder changes gebruikers; a beheerder or an FG may read them. No answer here ever holds a token.
- A gebruiker in a rol of `VIER_OGEN_ROLLEN` (beheerder, fg) is created, suspended, reinstated or removed only
  through a proposal that a second beheerder approves (`beheer.voorstellen.keur_goed` calls `voer_uit`); until
  then a new one is `voorgesteld` and cannot act. Other gebruikers change at once.
- Every change is a record in the tamper-evident log, appended in the same transaction under the log's lock
  (`Gebruikersbesluit` for direct changes, `Beheerbesluit` for proposals), then sealed by a checkpoint.
- A change never leaves fewer than two active beheerders: nobody could approve anything any more.
- Suspension and removal act on the next request in every worker and host: authentication reads the status on
  every request; removal also revokes every token.
- A beheerder belongs to a Bureau ZVH (the convenant's `bureau`); an OpenID Connect identity (issuer, subject)
  belongs to at most one gebruiker (a unique constraint), and only persons have one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from service.domain.beheer import BEHEERDER, Handeling, Soort, Status, Voorstel
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.identiteit import (
    VIER_OGEN_ROLLEN,
    Filter,
    Gebruikersbesluit,
    Gebruikersgegevens,
    Gebruikershandeling,
    GebruikerStatus,
    OidcIdentiteit,
    SoortGebruiker,
)
from service.service_layer.beheer.stap import besluit, require_beheerder, tekst, verzegel
from service.service_layer.identiteit.authentication import IssuedToken, nieuw_token
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

LEZERS = frozenset({BEHEERDER, "fg"})
INSTALLATIE = "installatie"  # who acts in the records of `bootstrap`
_ID = re.compile(r"[0-9a-f]{32}")
_MAX_NAAM = 120


@dataclass(frozen=True, slots=True)
class NieuweGebruiker:
    partner: str
    rol: str
    soort: SoortGebruiker
    naam: str
    oidc: OidcIdentiteit | None = None


@dataclass(frozen=True, slots=True)
class Uitkomst:
    """A gebruiker after a change, and the proposal when the change waits for a second beheerder."""

    gebruiker: Gebruikersgegevens
    voorstel: Voorstel | None = None


def require_lezer(gebruiker: Gebruiker) -> None:
    if gebruiker.rol not in LEZERS:
        raise NietToegestaanError(f"rol '{gebruiker.rol}' may not read gebruikers")


def lijst(
    services: Services, gebruiker: Gebruiker, filter: Filter, *, limit: int, offset: int
) -> tuple[list[Gebruikersgegevens], int]:
    """One page of gebruikers matching `filter`, and how many match in all.

    Raises:
        NietToegestaanError: neither beheerder nor FG.
    """
    require_lezer(gebruiker)
    with services.uow() as uow:
        return uow.gebruikers.lijst(filter, limit=limit, offset=offset)


def toon(services: Services, gebruiker: Gebruiker, gebruiker_id: str) -> Gebruikersgegevens:
    """One gebruiker (with its open proposal, if any).

    Raises:
        NietToegestaanError: neither beheerder nor FG.
        NietGevondenError: no such gebruiker.
    """
    require_lezer(gebruiker)
    with services.uow() as uow:
        return _met_voorstel(uow, get(uow, gebruiker_id))


def maak_aan(
    services: Services, door: Gebruiker, nieuw: NieuweGebruiker, toelichting: str, *, now: dt.datetime | None = None
) -> Uitkomst:
    """Create a gebruiker: at once (status actief), or for a beheerder or FG as a proposal (status voorgesteld).

    Raises:
        NietToegestaanError: `door` is not a beheerder.
        OngeldigeInvoerError: every problem at once (partner, rol, soort, naam, oidc), each named by its field.
        ConflictError: the OpenID Connect identity belongs to another gebruiker already.
    """
    require_beheerder(door)
    toelichting = tekst("toelichting", toelichting)
    nieuw = _valideer(services, nieuw)
    now = now or utcnow()
    vier_ogen = nieuw.rol in VIER_OGEN_ROLLEN
    status = GebruikerStatus.VOORGESTELD if vier_ogen else GebruikerStatus.ACTIEF
    gegevens = Gebruikersgegevens(new_id(), nieuw.partner, nieuw.rol, nieuw.soort, nieuw.naam, status, now, nieuw.oidc)
    with services.uow() as uow:
        size = uow.log.lock_head()
        if nieuw.oidc is not None and uow.gebruikers.with_oidc(nieuw.oidc) is not None:
            raise ConflictError("this OpenID Connect identity (issuer, subject) belongs to another gebruiker")
        uow.gebruikers.add(gegevens)
        voorstel = None
        if vier_ogen:
            voorstel = _stel_voor(services, uow, size, door, Soort.GEBRUIKER_TOEVOEGING, gegevens, toelichting, now)
        else:
            leg_vast(services, uow, size, door, Gebruikershandeling.AANGEMAAKT, gegevens, toelichting, now)
        uow.commit()
    verzegel(services)
    return Uitkomst(replace(gegevens, voorstel=voorstel.id if voorstel else None), voorstel)


def schors(
    services: Services, door: Gebruiker, gebruiker_id: str, toelichting: str, *, now: dt.datetime | None = None
) -> Uitkomst:
    """Suspend an active gebruiker (a beheerder or FG: proposed). See `_wijzig` for what is raised."""
    return _wijzig(services, door, gebruiker_id, toelichting, GebruikerStatus.GESCHORST, now)


def herstel(
    services: Services, door: Gebruiker, gebruiker_id: str, toelichting: str, *, now: dt.datetime | None = None
) -> Uitkomst:
    """Lift a gebruiker's suspension (a beheerder or FG: proposed). See `_wijzig` for what is raised."""
    return _wijzig(services, door, gebruiker_id, toelichting, GebruikerStatus.ACTIEF, now)


def verwijder(
    services: Services, door: Gebruiker, gebruiker_id: str, toelichting: str, *, now: dt.datetime | None = None
) -> Uitkomst:
    """Remove a gebruiker for good and revoke its tokens (a beheerder or FG: proposed)."""
    return _wijzig(services, door, gebruiker_id, toelichting, GebruikerStatus.VERWIJDERD, now)


_NAAR: dict[GebruikerStatus, tuple[frozenset[GebruikerStatus], Soort, Gebruikershandeling]] = {
    GebruikerStatus.GESCHORST: (
        frozenset({GebruikerStatus.ACTIEF}),
        Soort.GEBRUIKER_SCHORSING,
        Gebruikershandeling.GESCHORST,
    ),
    GebruikerStatus.ACTIEF: (
        frozenset({GebruikerStatus.GESCHORST}),
        Soort.GEBRUIKER_HERSTEL,
        Gebruikershandeling.HERSTELD,
    ),
    GebruikerStatus.VERWIJDERD: (
        frozenset({GebruikerStatus.ACTIEF, GebruikerStatus.GESCHORST}),
        Soort.GEBRUIKER_VERWIJDERING,
        Gebruikershandeling.VERWIJDERD,
    ),
}
_SOORT_NAAR = {soort: naar for naar, (_, soort, _) in _NAAR.items()} | {
    Soort.GEBRUIKER_TOEVOEGING: GebruikerStatus.ACTIEF
}


def _wijzig(
    services: Services,
    door: Gebruiker,
    gebruiker_id: str,
    toelichting: str,
    naar: GebruikerStatus,
    now: dt.datetime | None,
) -> Uitkomst:
    """Change a gebruiker's status to `naar`: at once, or for a beheerder or FG as a proposal.

    Raises:
        NietToegestaanError: `door` is not a beheerder.
        NietGevondenError: no such gebruiker.
        OngeldigeInvoerError: an empty toelichting.
        ConflictError: the gebruiker is not in a state this change starts from, a proposal about it is open
            already, or fewer than two active beheerders would remain.
    """
    require_beheerder(door)
    toelichting = tekst("toelichting", toelichting)
    now = now or utcnow()
    vanaf, soort, handeling = _NAAR[naar]
    with services.uow() as uow:
        size = uow.log.lock_head()
        gegevens = _met_voorstel(uow, get(uow, gebruiker_id))
        if gegevens.status not in vanaf:
            raise ConflictError(f"the gebruiker is {gegevens.status.value}: it cannot become {naar.value}")
        if gegevens.voorstel is not None:
            raise ConflictError("a proposal about this gebruiker is open: decide it first")
        _houd_twee_beheerders(uow, gegevens, naar)
        voorstel = None
        if gegevens.rol in VIER_OGEN_ROLLEN:
            voorstel = _stel_voor(services, uow, size, door, soort, gegevens, toelichting, now)
        else:
            _pas_toe(uow, gegevens, naar, now)
            leg_vast(services, uow, size, door, handeling, replace(gegevens, status=naar), toelichting, now)
        uow.commit()
        result = _met_voorstel(uow, get(uow, gebruiker_id))
    verzegel(services)
    return Uitkomst(result, voorstel)


def voer_uit(uow: UnitOfWork, voorstel: Voorstel, now: dt.datetime) -> None:
    """Carry out an approved proposal about a gebruiker, inside the approval's transaction (under the log lock).

    Raises:
        ConflictError: the gebruiker is no longer in the state the proposal started from, or fewer than two
            active beheerders would remain.
    """
    assert voorstel.gebruiker is not None  # noqa: S101 - a gebruiker proposal always names its gebruiker
    gegevens = get(uow, voorstel.gebruiker)
    naar = _SOORT_NAAR[voorstel.soort]
    vanaf = frozenset({GebruikerStatus.VOORGESTELD}) if voorstel.soort is Soort.GEBRUIKER_TOEVOEGING else _NAAR[naar][0]
    if gegevens.status not in vanaf:
        raise ConflictError("the gebruiker's state changed since the proposal: propose again")
    _houd_twee_beheerders(uow, gegevens, naar)
    _pas_toe(uow, gegevens, naar, now)


def na_afwijzing(uow: UnitOfWork, voorstel: Voorstel, now: dt.datetime) -> None:
    """A rejected proposal to create a gebruiker leaves it removed: it never acted and never will."""
    if voorstel.soort is Soort.GEBRUIKER_TOEVOEGING and voorstel.gebruiker is not None:
        uow.gebruikers.set_status(voorstel.gebruiker, GebruikerStatus.VERWIJDERD, now)


def bootstrap(
    services: Services,
    partner: str,
    beheerders: list[tuple[str, OidcIdentiteit | None]],
    *,
    now: dt.datetime | None = None,
) -> list[tuple[Gebruikersgegevens, IssuedToken]]:
    """Create the first two beheerders of a new installation, each with a token (shown once, by the caller).

    Raises:
        OngeldigeInvoerError: not exactly two beheerders, the same name twice, or the partner is not a Bureau ZVH.
        ConflictError: a beheerder exists already (any status but removed), or an identity is taken.
    """
    if len(beheerders) != 2 or beheerders[0][0].strip() == beheerders[1][0].strip():
        raise OngeldigeInvoerError([("naam", "give exactly two beheerders with different names")])
    now = now or utcnow()
    nieuw = [
        _valideer(services, NieuweGebruiker(partner, BEHEERDER, SoortGebruiker.PERSOON, naam, oidc))
        for naam, oidc in beheerders
    ]
    if nieuw[0].oidc is not None and nieuw[0].oidc == nieuw[1].oidc:
        raise OngeldigeInvoerError([("oidc", "the two beheerders need different identities")])
    out = []
    with services.uow() as uow:
        size = uow.log.lock_head()
        bestaand = uow.gebruikers.aantal(
            rol=BEHEERDER,
            statussen=(GebruikerStatus.VOORGESTELD, GebruikerStatus.ACTIEF, GebruikerStatus.GESCHORST),
        )
        if bestaand:
            raise ConflictError("this installation has beheerders already: bootstrap runs only once")
        installatie = Gebruiker(INSTALLATIE, INSTALLATIE, BEHEERDER, INSTALLATIE)
        records = []
        for item in nieuw:
            if item.oidc is not None and uow.gebruikers.with_oidc(item.oidc) is not None:
                raise ConflictError("this OpenID Connect identity (issuer, subject) belongs to another gebruiker")
            gegevens = Gebruikersgegevens(
                new_id(), item.partner, BEHEERDER, item.soort, item.naam, GebruikerStatus.ACTIEF, now, item.oidc
            )
            uow.gebruikers.add(gegevens)
            issued, token = nieuw_token(gegevens.id, now, services.levensduur.persoon)
            uow.gebruikers.add_token(token, issued.token_hash)
            records.append(_besluit(installatie, Gebruikershandeling.AANGEMAAKT, gegevens, "bootstrap", now))
            records.append(
                _besluit(installatie, Gebruikershandeling.TOKEN_UITGIFTE, gegevens, "bootstrap", now, token.id)
            )
            out.append((gegevens, issued))
        services.log.append_in(uow.log, size, records)
        uow.commit()
    verzegel(services)
    return out


def _valideer(services: Services, nieuw: NieuweGebruiker) -> NieuweGebruiker:
    convenant = services.convenant
    problems: list[tuple[str, str]] = []
    naam = nieuw.naam.strip()
    if not naam or len(naam) > _MAX_NAAM:
        problems.append(("naam", f"required, at most {_MAX_NAAM} characters"))
    if convenant.partner(nieuw.partner) is None:
        problems.append(("partner", "not a partner of the convenant"))
    if nieuw.rol not in convenant.ids("rol"):
        problems.append(("rol", "not a rol of the convenant"))
    elif nieuw.rol == BEHEERDER and nieuw.partner not in {d.bureau for d in convenant.documenten}:
        problems.append(("rol", "a beheerder belongs to the Bureau ZVH"))
    if nieuw.rol in VIER_OGEN_ROLLEN and nieuw.soort is not SoortGebruiker.PERSOON:
        problems.append(("soort", f"a {nieuw.rol} is a person (soort persoon)"))
    if nieuw.oidc is not None:
        if nieuw.soort is not SoortGebruiker.PERSOON:
            problems.append(("oidc", "only a person logs in through OpenID Connect"))
        if services.production and not nieuw.oidc.issuer.startswith("https://"):
            problems.append(("oidc.issuer", "an https URL in production"))
        if not nieuw.oidc.issuer.strip() or len(nieuw.oidc.issuer) > 300:
            problems.append(("oidc.issuer", "required, at most 300 characters"))
        if not nieuw.oidc.subject.strip() or len(nieuw.oidc.subject) > 255:
            problems.append(("oidc.subject", "required, at most 255 characters"))
    if problems:
        raise OngeldigeInvoerError(problems)
    return replace(nieuw, naam=naam)


def _houd_twee_beheerders(uow: UnitOfWork, gegevens: Gebruikersgegevens, naar: GebruikerStatus) -> None:
    if gegevens.rol != BEHEERDER or gegevens.status is not GebruikerStatus.ACTIEF or naar is GebruikerStatus.ACTIEF:
        return
    if uow.gebruikers.aantal(rol=BEHEERDER, statussen=(GebruikerStatus.ACTIEF,)) <= 2:
        raise ConflictError("at least two active beheerders must remain, or nothing could be approved any more")


def _pas_toe(uow: UnitOfWork, gegevens: Gebruikersgegevens, naar: GebruikerStatus, now: dt.datetime) -> None:
    uow.gebruikers.set_status(gegevens.id, naar, now)
    if naar is GebruikerStatus.VERWIJDERD:
        uow.gebruikers.trek_in(now, gebruiker_id=gegevens.id)


def _stel_voor(
    services: Services,
    uow: UnitOfWork,
    size: int,
    door: Gebruiker,
    soort: Soort,
    gegevens: Gebruikersgegevens,
    toelichting: str,
    now: dt.datetime,
) -> Voorstel:
    basis = uow.beleid.active_version()
    voorstel = Voorstel(
        new_id(), soort, Status.OPEN, toelichting, door.id, now, basis, None, gegevens.partner_id,
        gebruiker=gegevens.id,
    )  # fmt: skip
    uow.voorstellen.add(voorstel)
    services.log.append_in(uow.log, size, [besluit(door, voorstel, Handeling.VOORSTEL, toelichting, basis, basis)])
    return voorstel


def _besluit(
    door: Gebruiker,
    handeling: Gebruikershandeling,
    gegevens: Gebruikersgegevens,
    toelichting: str,
    now: dt.datetime,
    token: str | None = None,
) -> Gebruikersbesluit:
    return Gebruikersbesluit(new_id(), now, door.partner_id, door.id, door.rol, handeling, gegevens, toelichting, token)


def leg_vast(
    services: Services,
    uow: UnitOfWork,
    size: int,
    door: Gebruiker,
    handeling: Gebruikershandeling,
    gegevens: Gebruikersgegevens,
    toelichting: str,
    now: dt.datetime,
    token: str | None = None,
) -> None:
    """Append the record of a direct change to a gebruiker or its token at `size` (the caller holds the log lock),
    in `uow`'s transaction (signing a checkpoint if one falls due)."""
    services.log.append_in(uow.log, size, [_besluit(door, handeling, gegevens, toelichting, now, token)])


def get(uow: UnitOfWork, gebruiker_id: str) -> Gebruikersgegevens:
    """The gebruiker of this id (inside the caller's unit of work); NietGevondenError when there is none."""
    found = uow.gebruikers.get(gebruiker_id) if _ID.fullmatch(gebruiker_id) else None
    if found is None:
        raise NietGevondenError("no such gebruiker")
    return found


def _met_voorstel(uow: UnitOfWork, gegevens: Gebruikersgegevens) -> Gebruikersgegevens:
    open_ = uow.voorstellen.open_voor_gebruiker(gegevens.id)
    return replace(gegevens, voorstel=open_)
