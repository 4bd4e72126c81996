"""Verantwoording for the functionaris gegevensbescherming (FG): the log's metadata, never case content.

Invariants:
- Every use case here requires a gebruiker with rol `fg` (`NietToegestaanError` otherwise), also when an entry
  point already checked: the pages and the API share this one gate.
- The FG of a convenant's Bureau ZVH oversees the whole log; the FG of any other partner sees only the records
  of verstrekkingen to its own organisation (its selection is narrowed to that partner; asking for another
  partner is refused), in lists, exports, access requests, the overview and the signals alike.
- What leaves is built field by field from the record's metadata (ids, names, times, codes) through `Regel`;
  a record never reaches a caller as a whole, so a value smuggled into a record would not be shown either.
- An access request takes the BSN in a body, turns it into the blind index of each regime and forgets it; the
  BSN is never stored, logged or returned. Records an uitstel defers are marked (`uitgesteld`), never dropped:
  the FG sees them; a report for the person goes through `rechten.rapport.voor_betrokkene`.
- The derived lookup tables are brought up to date (`bijwerken`) before any query that uses them.
- Beheer history records share the log but are no verstrekkingen: the store never returns or counts them for
  anything here (lists, exports, access requests, overview, signals); the FG reads them via `beheer.geschiedenis`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from service.adapters.verantwoording_store import Gevonden
from service.audit.record import RecordError, parse
from service.domain.casus import Gebruiker
from service.domain.convenant import Regime
from service.domain.errors import NietToegestaanError, OngeldigeInvoerError
from service.domain.importeren import GEIMPORTEERD, IMPORT, IMPORT_CASUS, IMPORT_DOEL_NAAM
from service.domain.rechten import SOORTEN as RECHTEN_SOORTEN
from service.domain.verantwoording import Pagina, Selectie
from service.domain.verstrekking import AANLEVERING, VERSTREKKING
from service.service_layer.rechten.markering import Stroom, Uitstelmarkering, uitgesteld
from service.service_layer.services import Services

FG = "fg"
CASUS_ONTVANGER = "casus"  # who receives what a partner supplies: the shared casus, not one partner
CASUS_ONTVANGER_NAAM = "de casus in het Zorg- en Veiligheidshuis"
MAX_INZAGE = 10_000  # records in one access-request report
_UITGEVOERD = frozenset({"verstrekt", "gedeeltelijk", GEIMPORTEERD})
# The records of data flowing into a casus: the casus receives it, from the bronnen the record names.
_INSTROOM = frozenset({AANLEVERING, IMPORT_CASUS})


def require_fg(gebruiker: Gebruiker) -> None:
    """Raises:
    NietToegestaanError: the gebruiker's rol is not `fg`.
    """
    if gebruiker.rol != FG:
        raise NietToegestaanError(f"rol '{gebruiker.rol}' may not read the verantwoording")


def bereik(services: Services, gebruiker: Gebruiker) -> str | None:
    """None when this FG oversees the whole log (an FG of a Bureau ZVH), else the one partner it may see."""
    bureaus = {d.bureau for d in services.convenant.documenten if d.bureau}
    return None if gebruiker.partner_id in bureaus else gebruiker.partner_id


def binnen_bereik(services: Services, gebruiker: Gebruiker, selectie: Selectie) -> Selectie:
    """The selection narrowed to what this FG may see.

    Raises:
        NietToegestaanError: not an FG, or a partner's FG asking for another partner's records.
    """
    require_fg(gebruiker)
    scope = bereik(services, gebruiker)
    if scope is None:
        return selectie
    if selectie.partner not in (None, scope):
        raise NietToegestaanError("the FG of a partner sees only the verstrekkingen to its own organisation")
    return dataclasses.replace(selectie, partner=scope)


@dataclass(frozen=True, slots=True)
class VerstrektVeldRegel:
    veld: str
    categorie: str | None
    grondslag: str
    verwerkingsactiviteit: str
    versie: int | None
    plaatsen: tuple[str, ...]
    bronnen: tuple[str, ...] = ()  # the partner that supplied each place's value (records since bronnen exist)


@dataclass(frozen=True, slots=True)
class Regel:
    """One log record as the FG sees it (metadata only)."""

    log_index: int
    id: str
    soort: str
    tijd: str
    partner: str
    oin: str | None
    gebruiker: str | None
    rol: str | None
    casus: str | None
    casustype: str | None
    doel: str
    uitkomst: str
    weigering: str | None
    verstrekt: tuple[VerstrektVeldRegel, ...]
    onthouden: tuple[str, ...]
    beleidsversie: str | None
    trace_id: str | None
    span_id: str | None
    betrokkenen: tuple[str, ...]
    certificaat_oin: str | None = None  # the OIN of the client certificate the request came with (docs/mtls.md)
    parent_span_id: str | None = None  # the caller's span from its traceparent (records made since session 9)
    overleg: str | None = None  # the overleg a verstrekking was asked in (records since overleggen exist)

    @property
    def grondslagen(self) -> tuple[str, ...]:
        return tuple(sorted({v.grondslag for v in self.verstrekt}))

    @property
    def categorieen(self) -> tuple[str, ...]:
        return tuple(sorted({v.categorie for v in self.verstrekt if v.categorie}))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def regel(services: Services, gevonden: Gevonden) -> Regel:
    """The FG's view of a stored record, taking only known metadata keys (a malformed record shows blanks)."""
    record: dict[str, Any] = gevonden.record
    verstrekt: list[VerstrektVeldRegel] = []
    for item in record.get("verstrekt") or ():
        if not isinstance(item, dict):
            continue
        veld_id = _text(item.get("veld")) or ""
        veld = services.convenant.veld(veld_id)
        raw = item.get("verwerkingsactiviteit")
        va: dict[str, Any] = raw if isinstance(raw, dict) else {}
        versie = va.get("versie") if isinstance(va.get("versie"), int) else None
        verstrekt.append(
            VerstrektVeldRegel(
                veld_id,
                veld.categorie if veld else None,
                _text(item.get("grondslag")) or "",
                _text(va.get("id")) or "",
                versie,
                _texts(item.get("plaatsen")),
                _texts(item.get("bronnen")),
            )
        )
    return Regel(
        log_index=gevonden.log_index,
        id=_text(record.get("id")) or "",
        soort=_text(record.get("soort")) or "",
        tijd=_text(record.get("tijd")) or "",
        partner=_text(record.get("partner")) or "",
        oin=_text(record.get("oin")),
        gebruiker=_text(record.get("gebruiker")),
        rol=_text(record.get("rol")),
        casus=_text(record.get("casus")),
        casustype=_text(record.get("casustype")),
        doel=_text(record.get("doel")) or "",
        uitkomst=_text(record.get("uitkomst")) or "",
        weigering=_text(record.get("weigering")) or _text(record.get("reden")),
        verstrekt=tuple(verstrekt),
        onthouden=_texts(record.get("onthouden")),
        beleidsversie=_text(record.get("beleidsversie")),
        trace_id=_text(record.get("traceId")),
        span_id=_text(record.get("spanId")),
        betrokkenen=_texts(record.get("betrokkenen")),
        certificaat_oin=_text(record.get("certificaatOin")),
        parent_span_id=_text(record.get("parentSpanId")),
        overleg=_text(record.get("overleg")),
    )


def bijwerken(services: Services) -> int:
    """Bring the derived lookup tables up to the log's head; returns how many records were indexed."""
    with services.uow() as uow:
        if uow.verantwoording.achterstand() == 0:
            return 0
        done = uow.verantwoording.catch_up()
        uow.commit()
    return done


@dataclass(frozen=True, slots=True)
class Resultaat:
    regels: list[Regel]
    pagina: Pagina
    meer: bool  # a next page exists
    totaal: int | None = None  # how many records match in all (asked for with `tellen`)

    @property
    def paginas(self) -> int | None:
        """How many pages the selection fills (at least one), when the total was counted."""
        return None if self.totaal is None else max(1, -(-self.totaal // self.pagina.grootte))


def verstrekkingen(
    services: Services, gebruiker: Gebruiker, selectie: Selectie, pagina: Pagina, *, tellen: bool = False
) -> Resultaat:
    """One page of the log records matching `selectie`; with `tellen`, also how many match in all (one count in
    the same transaction, so the total and the page agree).

    Raises:
        NietToegestaanError: not an FG.
    """
    selectie = binnen_bereik(services, gebruiker, selectie)
    if selectie.grondslag is not None or selectie.betrokkenen is not None:
        bijwerken(services)
    with services.uow() as uow:
        found = uow.verantwoording.zoek(selectie, pagina)
        totaal = uow.verantwoording.aantal(selectie) if tellen else None
    regels = [regel(services, g) for g in found[: pagina.grootte]]
    return Resultaat(regels, pagina, len(found) > pagina.grootte, totaal)


def record_op_index(services: Services, gebruiker: Gebruiker, index: int) -> Regel | None:
    """The record at `index` as the FG's lists show it (its proof page says which record it proves); None when
    there is none, it is not readable, or it lies outside the FG's scope (a partner's FG: its own organisation).

    Raises:
        NietToegestaanError: not an FG.
    """
    scope = binnen_bereik(services, gebruiker, Selectie()).partner
    with services.uow() as uow:
        stored = uow.log.record(index)
    if stored is None:
        return None
    try:
        gevonden = regel(services, Gevonden(index, parse(stored.record)))
    except RecordError:
        return None
    return gevonden if scope is None or gevonden.partner == scope else None


def alle_verstrekkingen(
    services: Services, gebruiker: Gebruiker, selectie: Selectie, *, limiet: int
) -> Iterator[Regel]:
    """Every matching record in log order (at most `limiet`), for exports; streamed in chunks.

    Raises:
        NietToegestaanError: not an FG.
    """
    selectie = binnen_bereik(services, gebruiker, selectie)
    if selectie.grondslag is not None or selectie.betrokkenen is not None:
        bijwerken(services)
    with services.uow() as uow:
        for gevonden in uow.verantwoording.alle(selectie, limiet=limiet):
            yield regel(services, gevonden)


# -- access requests (AVG art. 15) ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InzageRegel:
    """One flow of data about the person: an aanlevering (a partner supplied it to the casus), an import (the
    casus came from the region's earlier system, with what each bron had supplied there) or a verstrekking (it
    went to a partner): who supplied it, who received it, when, why, which categories, on what grondslag."""

    tijd: str
    ontvanger: str  # partner id; for an aanlevering or import `CASUS_ONTVANGER`
    ontvanger_naam: str
    oin: str | None
    doel: str
    doel_naam: str
    categorieen: tuple[str, ...]  # categorie names
    grondslagen: tuple[tuple[str, str, str], ...]  # (id, naam, artikel)
    rol_betrokkene: str  # hoofdpersoon | systeemlid
    casus: str | None
    log_index: int
    soort: str = VERSTREKKING
    bronnen: tuple[tuple[str, str], ...] = ()  # (partner id, name) of who supplied what flowed, when known
    verwerkingsactiviteiten: tuple[tuple[str, int | None], ...] = ()  # (id, versie) the flow rested on
    casustype: str | None = None
    uitgesteld: Uitstelmarkering | None = None  # an uitstel defers informing the person of this record


@dataclass(frozen=True, slots=True)
class Rechtsstap:
    """A step of a right the person exercised (beperking, uitstel, correctieverzoek, ...), as the log records it:
    the FG's view only (an uitstel is never shown to the person)."""

    tijd: str
    soort: str  # `domain.rechten.Soort`
    uitkomst: str  # the step's fixed code (ingesteld, opgeheven, doorgestuurd, gecorrigeerd, ...)
    partner: str  # who took the step
    partner_naam: str
    casus: str | None
    log_index: int


@dataclass(frozen=True, slots=True)
class Inzage:
    aantal_betrokkenen: int  # in how many casussen (as hoofdpersoon or systeemlid) the person was found
    regels: list[InzageRegel] = field(default_factory=list)
    afgekapt: bool = False  # more than MAX_INZAGE records: the report is incomplete and says so
    stappen: list[Rechtsstap] = field(default_factory=list)  # the rights exercised, in log order (FG only)


def inzageverzoek(services: Services, gebruiker: Gebruiker, bsn: str, *, now: dt.datetime | None = None) -> Inzage:
    """Every flow of data about the person with this BSN, found through the blind index of each regime: what
    partners supplied to a casus about them (aanleveringen) and what was released to partners (verstrekkingen);
    each a deferral covers `now` is marked.

    Raises:
        NietToegestaanError: not an FG.
        OngeldigeInvoerError: `bsn` is not nine digits (the message never repeats it).
    """
    require_fg(gebruiker)
    try:
        indexes = [services.keys.blind_index.bsn_hex(regime, bsn) for regime in Regime]
    except ValueError:
        raise OngeldigeInvoerError([("bsn", "must be a BSN of nine digits")]) from None
    with services.uow() as uow:
        treffers = uow.verantwoording.betrokkenen_met_index(indexes)
    if not treffers:
        return Inzage(0)
    rol_van = {t.betrokkene_id: t.rol for t in treffers}
    casussen = {t.casus_id for t in treffers}
    selectie = Selectie(betrokkenen=tuple(sorted(rol_van)))
    out: list[InzageRegel] = []
    stappen: list[Rechtsstap] = []
    stromen: list[Stroom] = []
    seen = 0
    for found in alle_verstrekkingen(services, gebruiker, selectie, limiet=MAX_INZAGE + 1):
        seen += 1
        if seen > MAX_INZAGE:
            break
        if found.soort in RECHTEN_SOORTEN:
            stappen.append(_stap(services, found))
            continue
        entry = _inzage_regel(services, found, rol_van, casussen)
        if entry is not None:
            out.append(entry)
            partners = frozenset({found.partner, *(b for v in found.verstrekt for b in v.bronnen)})
            stromen.append(Stroom(found.log_index, partners, found.casus, found.betrokkenen))
    with services.uow() as uow:  # mark what an uitstel defers (the FG sees it; a report for the person drops it)
        marks = uitgesteld(services, uow, indexes, stromen, (now or dt.datetime.now(dt.UTC)).date())
    out = [dataclasses.replace(r, uitgesteld=marks[r.log_index]) if r.log_index in marks else r for r in out]
    # A partner's FG learns only about casussen its own organisation received data from, not whether the
    # person is known elsewhere in the region.
    found_in = len(treffers) if bereik(services, gebruiker) is None else len({r.casus for r in out})
    return Inzage(found_in, out, seen > MAX_INZAGE, stappen)


def _stap(services: Services, found: Regel) -> Rechtsstap:
    partner = services.convenant.partner(found.partner)
    naam = partner.naam if partner else found.partner
    return Rechtsstap(found.tijd, found.soort, found.uitkomst, found.partner, naam, found.casus, found.log_index)


def _inzage_regel(services: Services, found: Regel, rol_van: dict[str, str], casussen: set[str]) -> InzageRegel | None:
    if found.soort not in (VERSTREKKING, *_INSTROOM) or found.uitkomst not in _UITGEVOERD:
        return None  # a refused or empty request disclosed nothing about the person
    ids = set(rol_van)
    about = [
        v
        for v in found.verstrekt
        if ids.intersection(v.plaatsen) or ("casus" in v.plaatsen and found.casus in casussen)
    ]
    if not about:
        return None
    convenant = services.convenant
    partner = convenant.partner(found.partner)
    doelen = {d.id: d.naam for d in convenant.doelen} | {IMPORT: IMPORT_DOEL_NAAM}
    categorie_namen = {c.id: c.naam for c in convenant.categorieen}
    grondslagen: list[tuple[str, str, str]] = []
    for gid in sorted({v.grondslag for v in about}):
        g = convenant.grondslag(gid)
        grondslagen.append((gid, g.naam if g else gid, g.artikel if g else ""))
    rollen = sorted({rol_van[b] for b in found.betrokkenen if b in rol_van} or {rol_van[next(iter(ids))]})
    aanlevering, instroom = found.soort == AANLEVERING, found.soort in _INSTROOM
    bron_ids = [found.partner] if aanlevering else sorted({b for v in about for b in v.bronnen})
    bronnen = tuple((b, p.naam if (p := convenant.partner(b)) else b) for b in bron_ids)
    return InzageRegel(
        tijd=found.tijd,
        ontvanger=CASUS_ONTVANGER if instroom else found.partner,
        ontvanger_naam=CASUS_ONTVANGER_NAAM if instroom else partner.naam if partner else found.partner,
        oin=found.oin,
        doel=found.doel,
        doel_naam=doelen.get(found.doel, found.doel),
        categorieen=tuple(sorted({categorie_namen.get(v.categorie or "", v.categorie or v.veld) for v in about})),
        grondslagen=tuple(grondslagen),
        rol_betrokkene=", ".join(rollen),
        casus=found.casus,
        log_index=found.log_index,
        soort=found.soort,
        bronnen=bronnen,
        verwerkingsactiviteiten=tuple(sorted({(v.verwerkingsactiviteit, v.versie) for v in about}, key=str)),
        casustype=found.casustype,
    )
