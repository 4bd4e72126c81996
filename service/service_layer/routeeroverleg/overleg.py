"""The routeeroverleg use cases: submit a signal, see one's matches, record the overleg's besluit, expire.

Invariants (DESIGN invariants 1, 2, 3 and 7):
- Only partners named in the regular convenant's `routeeroverleg` list take part, and only with a rol to which
  the active field policy grants routeersignaal velden for doel `routeeroverleg` on a grondslag of the
  register's verwerkingsactiviteit; everyone else is refused (403) and the refusal is logged.
- A participant receives exactly the matches in which it has a signal; for each, per signal only the
  organisation, the velden the policy allows it (risicoIndicatie, contactpunt), the signal date and the match's
  besluit. Never a pseudonym. A match it has no signal in is "not found" (404), whether or not it exists.
- Log before release, fail closed: every exchange is a `Routeerverstrekking` with doel `routeeroverleg`,
  appended durably before the signal is stored (storing shares it with the other participants), before the
  matches are returned, and before the besluit is stored. If the log cannot record it, nothing happens (503).
- Expiry deletes unmatched signals and decided matches after the configured bewaartermijn; open matches wait
  for their besluit.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from service.access import DecisionKey, Grant
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.convenant import Casustype, Verwerkingsactiviteit
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.routeeroverleg import (
    VELDEN,
    Besluit,
    Match,
    Route,
    Signaal,
    SignaalInvoer,
    controleer_signaal,
    controleer_toelichting,
)
from service.domain.verstrekking import Routeerverstrekking, Trace, Uitkomst, VerstrektVeld
from service.service_layer.beleid.actief import active_access
from service.service_layer.services import Services

DOEL = "routeeroverleg"
_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class Deelnemer:
    """A gebruiker admitted to the routeeroverleg, with what the policy lets it receive."""

    gebruiker: Gebruiker
    oin: str
    grants: Mapping[str, Grant]  # veld -> grant, only velden of VELDEN on a grondslag the register names
    va: Verwerkingsactiviteit
    beleidsversie: str

    def verstrekt(self, plaatsen: tuple[str, ...] = ()) -> tuple[VerstrektVeld, ...]:
        return tuple(
            VerstrektVeld(veld, self.grants[veld].grondslag, self.va.id, self.va.versie, plaatsen)
            for veld in VELDEN
            if veld in self.grants
        )


@dataclass(frozen=True, slots=True)
class MatchWeergave:
    """A match as one participant sees it: per signal the organisation, date and the allowed velden."""

    match: Match
    velden: tuple[str, ...]


def _record(
    deelnemer: Deelnemer | None,
    gebruiker: Gebruiker,
    oin: str,
    handeling: str,
    trace: Trace,
    now: dt.datetime,
    *,
    uitkomst: Uitkomst,
    matches: tuple[str, ...] = (),
    signalen: tuple[str, ...] = (),
    verstrekt: tuple[VerstrektVeld, ...] = (),
) -> Routeerverstrekking:
    return Routeerverstrekking(
        id=new_id(),
        tijd=now,
        partner=gebruiker.partner_id,
        oin=oin,
        gebruiker=gebruiker.id,
        rol=gebruiker.rol,
        handeling=handeling,
        matches=matches,
        signalen=signalen,
        uitkomst=uitkomst,
        verstrekt=verstrekt,
        beleidsversie=deelnemer.beleidsversie if deelnemer else None,
        trace=trace,
    )


def toelaten(services: Services, gebruiker: Gebruiker, handeling: str, trace: Trace, now: dt.datetime) -> Deelnemer:
    """Admit a gebruiker to the routeeroverleg, or log the refusal and raise.

    Raises:
        NietToegestaanError: the partner is not a routeeroverleg participant, or its rol receives nothing.
        GeenBeleidError: no usable active policy.
        LogNietBeschikbaarError: a refusal could not be logged.
    """
    convenant = services.convenant
    partner = convenant.partner(gebruiker.partner_id)
    oin = partner.oin if partner else ""
    document = convenant.document(Casustype.REGULIER)
    va = convenant.verwerkingsactiviteit(Casustype.REGULIER, DOEL, now.date())
    reason: str | None = None
    grants: dict[str, Grant] = {}
    versie = ""
    if document is None or gebruiker.partner_id not in document.routeeroverleg or va is None:
        reason = "this partner does not take part in the routeeroverleg"
    else:
        with services.uow() as uow:
            access = active_access(services, uow.beleid)
        versie = access.version
        key = DecisionKey(gebruiker.partner_id, gebruiker.rol, Casustype.REGULIER.value, DOEL)
        grants = {v: g for v, g in access.allowed_fields(key).items() if v in VELDEN and g.grondslag in va.grondslagen}
        if not grants:
            reason = f"rol '{gebruiker.rol}' receives nothing in the routeeroverleg under the active policy"
    if reason is not None or va is None:
        services.log.append(_record(None, gebruiker, oin, handeling, trace, now, uitkomst=Uitkomst.GEWEIGERD))
        raise NietToegestaanError(reason or "no routeeroverleg activity in the register")
    return Deelnemer(gebruiker, oin, grants, va, versie)


def risico_schaal(services: Services) -> tuple[str, ...]:
    """The fixed risk scale: the keuzes of the veld risicoIndicatie in the veldcatalogus."""
    veld = services.convenant.veld("risicoIndicatie")
    return veld.keuzes if veld is not None else ()


def signaal_indienen(
    services: Services,
    gebruiker: Gebruiker,
    body: Mapping[str, object],
    trace: Trace,
    *,
    now: dt.datetime | None = None,
) -> Signaal:
    """Validate and store a participant's signal, then link it into a match when it forms or joins one.

    Raises:
        NietToegestaanError: not a participant (logged).
        OngeldigeInvoerError: every invalid field, named (nothing is stored or logged; no value is repeated).
        LogNietBeschikbaarError: the log could not record the signal (nothing stored).
    """
    now = now or utcnow()
    deelnemer = toelaten(services, gebruiker, "signaal", trace, now)
    instellingen = services.routeeroverleg
    invoer, problems = controleer_signaal(
        body,
        risico_schaal(services),
        vandaag=now.date(),
        oudste=now.date() - instellingen.bewaartermijn,
    )
    if invoer is None:
        raise OngeldigeInvoerError(problems)
    signaal_id = new_id()
    services.log.append(
        _record(
            deelnemer,
            gebruiker,
            deelnemer.oin,
            "signaal",
            trace,
            now,
            uitkomst=Uitkomst.VERSTREKT,
            signalen=(signaal_id,),
            verstrekt=deelnemer.verstrekt(),
        )
    )
    return _store(services, gebruiker.partner_id, signaal_id, invoer, now)


def _store(services: Services, partner_id: str, signaal_id: str, invoer: SignaalInvoer, now: dt.datetime) -> Signaal:
    """Store the signal and match it, under the matching lock (so no concurrent signal is missed)."""
    venster = services.routeeroverleg.venster
    with services.uow() as uow:
        repo = uow.routeeroverleg
        repo.lock()
        signaal = Signaal(
            signaal_id,
            partner_id,
            invoer.pseudoniem,
            invoer.risico_indicatie,
            invoer.contactpunt,
            invoer.signaaldatum,
            now,
        )
        earlier = repo.signalen(invoer.pseudoniem)
        repo.add_signaal(signaal)
        match_id = _match_for(signaal, earlier, set(repo.open_matches(invoer.pseudoniem)), venster)
        if match_id is not None:
            repo.koppel([signaal.id], match_id)
        else:
            waiting = [
                s for s in earlier if s.match_id is None and abs(s.signaaldatum - signaal.signaaldatum) <= venster
            ]
            if any(s.partner_id != partner_id for s in waiting):
                match_id = new_id()
                repo.add_match(match_id, invoer.pseudoniem, now)
                repo.koppel([signaal.id, *(s.id for s in waiting)], match_id)
        uow.commit()
    return Signaal(
        signaal.id,
        signaal.partner_id,
        signaal.pseudoniem,
        signaal.risico_indicatie,
        signaal.contactpunt,
        signaal.signaaldatum,
        now,
        match_id,
    )


def _match_for(signaal: Signaal, earlier: list[Signaal], open_ids: set[str], venster: dt.timedelta) -> str | None:
    """The open match this signal joins: one with a signal within the window of it (the oldest such match)."""
    for s in earlier:
        if s.match_id in open_ids and abs(s.signaaldatum - signaal.signaaldatum) <= venster:
            return s.match_id
    return None


def matches(
    services: Services, gebruiker: Gebruiker, trace: Trace, *, now: dt.datetime | None = None
) -> tuple[list[Match], Deelnemer]:
    """The matches the caller's partner has a signal in, logged before they are returned.

    Raises:
        NietToegestaanError: not a participant (logged).
        LogNietBeschikbaarError: the log could not record it (nothing returned).
    """
    now = now or utcnow()
    deelnemer = toelaten(services, gebruiker, "matches", trace, now)
    with services.uow() as uow:
        found = uow.routeeroverleg.matches_voor(gebruiker.partner_id)
    ids = tuple(m.id for m in found)
    services.log.append(
        _record(
            deelnemer,
            gebruiker,
            deelnemer.oin,
            "matches",
            trace,
            now,
            uitkomst=Uitkomst.VERSTREKT if found else Uitkomst.LEEG,
            matches=ids,
            signalen=tuple(s.id for m in found for s in m.signalen),
            verstrekt=deelnemer.verstrekt(ids) if found else (),
        )
    )
    return found, deelnemer


@dataclass(frozen=True, slots=True)
class BesluitInvoer:
    route: str
    regie: str
    grondslag: str
    toelichting: str


def besluit_vastleggen(
    services: Services,
    gebruiker: Gebruiker,
    match_id: str,
    invoer: BesluitInvoer,
    trace: Trace,
    *,
    now: dt.datetime | None = None,
) -> Match:
    """Record the overleg's besluit on a match the caller's partner has a signal in.

    Raises:
        NietToegestaanError: not a participant (logged).
        OngeldigeInvoerError: an unknown route, regie partner or grondslag, or a refused toelichting (named).
        NietGevondenError: no such match for this partner (logged; existence is not revealed).
        ConflictError: the match already has a besluit.
        LogNietBeschikbaarError: the log could not record it (nothing stored).
    """
    now = now or utcnow()
    deelnemer = toelaten(services, gebruiker, "besluit", trace, now)
    convenant = services.convenant
    problems: list[tuple[str, str]] = []
    if invoer.route not in {r.value for r in Route}:
        problems.append(("route", "must be one of: " + ", ".join(r.value for r in Route)))
    if convenant.partner(invoer.regie) is None:
        problems.append(("regie", "unknown partner (not in the convenant)"))
    if invoer.grondslag not in deelnemer.va.grondslagen:
        problems.append(
            ("grondslag", "must be a grondslag of " + deelnemer.va.id + ": " + ", ".join(deelnemer.va.grondslagen))
        )
    reason = controleer_toelichting(invoer.toelichting)
    if reason is not None:
        problems.append(("toelichting", reason))
    if problems:
        raise OngeldigeInvoerError(problems)
    ref = (match_id,) if _ID.fullmatch(match_id) else ()
    with services.uow() as uow:
        match = uow.routeeroverleg.match_voor(match_id, gebruiker.partner_id) if ref else None
    if match is None:
        services.log.append(
            _record(deelnemer, gebruiker, deelnemer.oin, "besluit", trace, now, uitkomst=Uitkomst.GEWEIGERD)
        )
        raise NietGevondenError("no such match for this partner")
    if match.besluit is not None:
        raise ConflictError("this match already has a besluit")
    besluit = Besluit(
        Route(invoer.route), invoer.regie, invoer.grondslag, invoer.toelichting, gebruiker.partner_id, now
    )
    services.log.append(
        _record(
            deelnemer,
            gebruiker,
            deelnemer.oin,
            "besluit",
            trace,
            now,
            uitkomst=Uitkomst.VERSTREKT,
            matches=ref,
            signalen=tuple(s.id for s in match.signalen),
        )
    )
    with services.uow() as uow:
        if not uow.routeeroverleg.leg_besluit_vast(match.id, besluit):
            raise ConflictError("this match already has a besluit")
        uow.commit()
    return Match(match.id, match.ontstaan_op, match.signalen, besluit)


@dataclass(frozen=True, slots=True)
class Verlopen:
    signalen: int
    matches: int


def verlopen(services: Services, *, now: dt.datetime | None = None) -> Verlopen:
    """Delete unmatched signals and decided matches whose bewaartermijn has ended (`deelpoort retention run`).

    An unmatched signal's bewaartermijn runs from its signal date, a decided match's from its besluit.
    """
    now = now or utcnow()
    termijn = services.routeeroverleg.bewaartermijn
    with services.uow() as uow:
        uow.routeeroverleg.lock()
        signalen, gesloten = uow.routeeroverleg.verloop((now - termijn).date(), now - termijn)
        uow.commit()
    return Verlopen(signalen, gesloten)


def te_verlopen(services: Services, *, now: dt.datetime | None = None) -> Verlopen:
    """What `verlopen` would delete at `now`, counted without changing anything (`retention run --droog`)."""
    now = now or utcnow()
    termijn = services.routeeroverleg.bewaartermijn
    with services.uow() as uow:
        signalen, gesloten = uow.routeeroverleg.te_verlopen((now - termijn).date(), now - termijn)
    return Verlopen(signalen, gesloten)


def demo_trace() -> Trace:
    """A fresh trace for exchanges started by a command rather than a request."""
    return Trace(secrets.token_hex(16), secrets.token_hex(8))
