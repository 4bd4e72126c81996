"""Installing the synthetic demo region into the database, all or nothing.

Invariants:
- One transaction: a failed run leaves the previous demo intact; a successful one replaces it entirely.
- Every person, value and token is synthetic; tokens are shown once (in the credentials file, under
  `instance/`, which is git-ignored) and only their hashes are stored.
- Never in production (the CLI refuses before calling this).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from service.demo import DEMO_GEBRUIKER, DEMO_TOKEN_DUUR, beheerjaar
from service.demo.adviezen import DemoAdvies
from service.demo.beheerstappen import Record
from service.demo.bronnen import Onthouden, verdeel
from service.demo.plannen import maak_plan
from service.demo.regio import DemoGebruiker, DemoRegion
from service.demo.tijdlijn import START, DemoKlok, Tijdlijn, in_het_verleden, laatste_tijd
from service.demo.verslagjaar import Padstap
from service.demo.verstrekkingen import demo_verstrekkingen
from service.domain.casus import Casus, Gebruiker, new_id, utcnow
from service.domain.convenant import Casustype, Convenant, Fase, Regime
from service.domain.identiteit import Gebruikersgegevens, GebruikerStatus, SoortGebruiker
from service.domain.levensloop import Besluit, Gebeurtenis, Handeling, Uitkomst
from service.domain.overleg import Overleg
from service.domain.veldwaarde import JsonWaarde, OngeldigeWaardeError, normaliseer
from service.domain.verstrekking import Verstrekking
from service.service_layer.advies import registratie
from service.service_layer.casus import aanlevering
from service.service_layer.casus.aanlevering import Herkomst
from service.service_layer.identiteit.authentication import IssuedToken, nieuw_token
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

# Demo gebruikers in these rollen are people (they log in to the pages); the others stand for partner systems.
_PERSONEN = frozenset({"beheerder", "fg", "manager", "procesondersteuner", "procesregisseur"})


@dataclass(frozen=True, slots=True)
class DemoCredential:
    gebruiker: str
    naam: str
    partner: str
    oin: str
    rol: str
    token: str


def install_region(
    services: Services,
    region: DemoRegion,
    *,
    now: dt.datetime | None = None,
    verzoeken: int = 0,
    seed: int = 0,
    beheer: bool = False,
) -> list[DemoCredential]:
    """Replace the database's partners, gebruikers and casussen with `region`, in one transaction.

    Each value is stored with a bron the active policy's bronregels allow (`demo/bronnen.py`), and each supply is
    logged as an aanlevering in the same transaction; casussen in procesregie or advies get a plan van aanpak
    (`demo/plannen.py`); the region's overleggen are stored whole and its adviezen registered through
    `registratie.registreer_in`, all in the same transaction. A casus of the 2023 year gets the history of its
    path (`region.paden`); one whose uitgebreid advies is registered is closed after that, as the afsluiting would.
    With `verzoeken`, up to that many verstrekkingen of the past year are asked too (`demo/verstrekkingen.py`,
    seeded by `seed`). With `beheer`, the gebruikers come in through the year's beheer (`demo/beheerjaar.py`:
    bootstrap, four eyes, a policy change and its rollback, a suspension), which the verstrekkingen then follow;
    without it they are all created at `now`, without records.

    The log records are dated in the demo's past (`demo/tijdlijn.py`) and appended in time order after whatever
    the log held: an aanlevering when its bron supplied it (at the aanmelding, or when the partner joined; the
    values of a casus referred before the log's first day in its first days), the plan's texts when the plan was
    begun, and the checkpoints are signed at their records' times by a writer with the demo's clock.
    """
    now = now or utcnow()
    convenant = services.convenant
    jaar: beheerjaar.Beheerjaar | None = None
    records: list[Verstrekking | Record] = []
    with services.uow() as uow:
        grootte = uow.log.lock_head()  # held to the end: nothing is appended before the demo's past
        tijdlijn = Tijdlijn(now, laatste_tijd(uow, grootte))
        uow.casussen.delete_all()
        uow.overleggen.delete_all()
        uow.adviezen.delete_all()
        uow.voorstellen.delete_all()
        uow.gebruikers.delete_all()
        uow.partners.sync(convenant.partners)
        uow.flush()
        gebruikers = [_gebruiker(convenant, demo_user) for demo_user in region.gebruikers]
        if beheer:
            jaar = beheerjaar.maak(services, uow, tijdlijn, gebruikers, random.Random(f"{seed}/beheer"))  # noqa: S311
            records += jaar.records
            tokens = jaar.tokens
        else:
            tokens = {g.id: _zonder_verleden(uow, g, now) for g in gebruikers}
        credentials = [
            DemoCredential(g.id, g.naam, g.partner_id, _oin(convenant, g), g.rol, tokens[g.id].token)
            for g in gebruikers
        ]
        values = _values_per_casus(convenant, region)
        bureau = _bureau(services)
        na_advies = _na_advies(region)
        for casus in region.casussen:
            uow.casussen.add(_in_advies(casus) if casus.id in na_advies else casus)
        uow.flush()
        regels = aanlevering.bronregels(services, uow)
        onthouden = Onthouden(regels)
        indexes: dict[str, str] = {}  # betrokkene id -> the blind index of its BSN, set at once at the end
        besprekingen = _besprekingen(region.overleggen)
        for casus in region.casussen:
            regime = Regime.of(casus.casustype)
            own = values.get(casus.id, {})
            for (betrokkene, veld), waarde in own.items():
                if veld == "bsn" and betrokkene is not None and isinstance(waarde, str):
                    indexes[betrokkene] = services.keys.blind_index.bsn_hex(regime, waarde)
            uow.veldwaarden.create_data_key(casus.id, regime, now)
            ids = tuple(b.id for b in casus.betrokkenen)
            rng = random.Random(casus.id)  # noqa: S311 - when the synthetic values were supplied, not a secret
            aangemeld = _aangeleverd(tijdlijn, casus, rng)
            # The 2023 year predates the demo register (in force from 1 March 2025): its values are judged as held
            # on the install day, when they are logged; every other casus's by the register of its aanmelding.
            op = now.date() if casus.id in region.paden else casus.aangemeld_op.date()
            for levering in verdeel(onthouden, casus, own, op):
                bron = Gebruiker(DEMO_GEBRUIKER, levering.partner, levering.rol, DEMO_GEBRUIKER, True)
                geleverd = _bijgedragen(tijdlijn, casus, levering.partner, aangemeld, rng)
                ingang = aanlevering.beoordeel_in(
                    services,
                    uow,
                    bron,
                    (casus.id, casus.casustype, levering.fase),
                    levering.doel,
                    levering.waarden,
                    ids,
                    Herkomst(),
                    geleverd,
                    regels,
                )
                if ingang.besluit.weigering is not None:
                    raise ValueError(f"the demo's bron does not fit the bronregels: {ingang.besluit.reden}")
                records.append(ingang.record)
                uow.veldwaarden.store(casus.id, regime, levering.waarden, levering.partner, geleverd)
                uow.veldwaarden.record_contribution(
                    casus.id, levering.partner, DEMO_GEBRUIKER, levering.waarden, geleverd
                )
            plan_begonnen = tijdlijn.werktijd(max(aangemeld, casus.aangemeld_op + dt.timedelta(days=1)), rng)
            records.extend(
                maak_plan(services, (uow, regels), casus, own, besprekingen.get(casus.id, []), now, plan_begonnen)
            )
            for entry in _historie(convenant, casus, region.paden.get(casus.id)):
                uow.historie.add(entry, regime)
        uow.casussen.set_bsn_indexes(indexes)
        for overleg in region.overleggen:
            uow.overleggen.add(overleg)
        _registreer_adviezen(services, uow, region.adviezen)
        for casus in region.casussen:
            if casus.id in na_advies and casus.afgesloten_op is not None:  # closed as `levensloop.afsluiten` closes
                uow.casussen.set_fase(casus.id, Fase.AFGESLOTEN, casus.afgesloten_op)
                uow.casussen.end_deelnames(casus.id, casus.afgesloten_op, behalve=[p for p in [bureau] if p])
        if verzoeken:
            uow.flush()
            records += demo_verstrekkingen(
                services,
                uow,
                region.casussen,
                gebruikers,
                tijdlijn,
                seed=seed,
                aantal=verzoeken,
                overleggen=region.overleggen,
                jaar=jaar,
            )
        records.sort(key=lambda record: record.tijd)  # the log in time order (stable: a supply's records together)
        if records:
            in_het_verleden(services.log, DemoKlok(records[0].tijd)).append_in(uow.log, grootte, records)
        uow.commit()
    return credentials


def _gebruiker(convenant: Convenant, demo_user: DemoGebruiker) -> Gebruiker:
    """The region's gebruiker as stored (a person or a partner's system by its rol); its partner must exist."""
    if convenant.partner(demo_user.partner_id) is None:
        raise ValueError(f"demo user for unknown partner {demo_user.partner_id!r}")
    soort = SoortGebruiker.PERSOON if demo_user.rol in _PERSONEN else SoortGebruiker.SYSTEEM
    return Gebruiker(new_id(), demo_user.partner_id, demo_user.rol, demo_user.naam, True, soort.value)


def _oin(convenant: Convenant, gebruiker: Gebruiker) -> str:
    partner = convenant.partner(gebruiker.partner_id)
    return partner.oin if partner is not None else ""


def _zonder_verleden(uow: UnitOfWork, gebruiker: Gebruiker, now: dt.datetime) -> IssuedToken:
    """Store `gebruiker` as created at `now` with a token, without records (an install without `beheer`)."""
    gegevens = Gebruikersgegevens(
        gebruiker.id,
        gebruiker.partner_id,
        gebruiker.rol,
        SoortGebruiker(gebruiker.soort),
        gebruiker.naam,
        GebruikerStatus.ACTIEF,
        now,
    )
    uow.gebruikers.add(gegevens)
    issued, token = nieuw_token(gebruiker.id, now, DEMO_TOKEN_DUUR)
    uow.gebruikers.add_token(token, issued.token_hash)
    return issued


def _aangeleverd(tijdlijn: Tijdlijn, casus: Casus, rng: random.Random) -> dt.datetime:
    """When the aanmelder supplied the casus's values: at its aanmelding (in office hours), or, referred before
    the log's first day, on one of the log's first days."""
    if casus.aangemeld_op < tijdlijn.begin:  # (over a log reaching today, the days left: never after `now`)
        eerste_dagen = max(min(START, tijdlijn.now - tijdlijn.begin), dt.timedelta(0))
        return tijdlijn.werktijd(tijdlijn.begin + eerste_dagen * rng.random(), rng)
    return tijdlijn.werktijd(casus.aangemeld_op, rng)


def _bijgedragen(
    tijdlijn: Tijdlijn, casus: Casus, partner: str, aangemeld: dt.datetime, rng: random.Random
) -> dt.datetime:
    """When a deelnemer supplied its values: with the aanmelding's, or after it joined the casus."""
    joined = next((d.sinds for d in casus.deelnames if d.partner_id == partner), aangemeld)
    return aangemeld if joined <= aangemeld else tijdlijn.werktijd(joined, rng)


def _besprekingen(overleggen: Iterable[Overleg]) -> dict[str, list[tuple[str, dt.date]]]:
    """Per casus, the overleggen (id, datum) whose agenda held it, oldest first."""
    out: dict[str, list[tuple[str, dt.date]]] = {}
    for overleg in sorted(overleggen, key=lambda o: (o.datum, o.id)):
        for punt in overleg.agenda:
            out.setdefault(punt.casus, []).append((overleg.id, overleg.datum))
    return out


def _bureau(services: Services) -> str | None:
    document = services.convenant.document(Casustype.REGULIER)
    return document.bureau if document is not None else None


def _na_advies(region: DemoRegion) -> set[str]:
    """The closed casussen an advies names (the 2023 year's): registering it needs the casus in fase advies, so
    they are stored as they were then (`_in_advies`) and closed once their advies is registered."""
    genoemd = {a.invoer.casus for a in region.adviezen if a.invoer.casus}
    return {c.id for c in region.casussen if c.id in genoemd and c.fase is Fase.AFGESLOTEN}


def _in_advies(casus: Casus) -> Casus:
    """A closed casus as it was in fase advies, before its afsluiting ended its deelnames."""
    gesloten = casus.afgesloten_op
    deelnames = [replace(d, tot=None) if d.tot is not None and d.tot == gesloten else d for d in casus.deelnames]
    return replace(casus, fase=Fase.ADVIES, afgesloten_op=None, deelnames=deelnames)


def _registreer_adviezen(services: Services, uow: UnitOfWork, adviezen: Iterable[DemoAdvies]) -> None:
    """Register the region's adviezen through the use case's checks, in the caller's transaction.

    Raises:
        The errors of `registratie.registreer_in` (a demo advies that does not fit: the install fails).
    """
    bureau = _bureau(services)
    if bureau is None:
        return
    uow.flush()  # the casussen an uitgebreid advies names are read in this transaction
    for advies in adviezen:
        gebruiker = Gebruiker(DEMO_GEBRUIKER, bureau, advies.rol, DEMO_GEBRUIKER, True)
        registratie.registreer_in(services, uow, gebruiker, advies.invoer, advies.op)


# The path through the lifecycle that leaves a casus in each fase (besluiten after the aanmelding).
_PAD: dict[Fase, tuple[tuple[Handeling, str, Fase], ...]] = {
    Fase.AANMELDING: (),
    Fase.TRIAGE: ((Handeling.TRIAGE, Besluit.IN_BEHANDELING, Fase.TRIAGE),),
    Fase.PROCESREGIE: (
        (Handeling.TRIAGE, Besluit.IN_BEHANDELING, Fase.TRIAGE),
        (Handeling.TRIAGE, Besluit.PROCESREGIE, Fase.PROCESREGIE),
    ),
    Fase.ADVIES: (
        (Handeling.TRIAGE, Besluit.IN_BEHANDELING, Fase.TRIAGE),
        (Handeling.TRIAGE, Besluit.UITGEBREID_ADVIES, Fase.ADVIES),
    ),
    Fase.AFGEWEZEN: (
        (Handeling.TRIAGE, Besluit.IN_BEHANDELING, Fase.TRIAGE),
        (Handeling.TRIAGE, Besluit.AFGEWEZEN, Fase.AFGEWEZEN),
    ),
    Fase.AFGESLOTEN: (
        (Handeling.TRIAGE, Besluit.IN_BEHANDELING, Fase.TRIAGE),
        (Handeling.TRIAGE, Besluit.PROCESREGIE, Fase.PROCESREGIE),
        (Handeling.AFSLUITING, Uitkomst.DOEL_GEREALISEERD, Fase.AFGESLOTEN),
    ),
}


def _standaardpad(casus: Casus) -> list[Padstap]:
    """The besluiten that lead to the casus's fase (`_PAD`), spread evenly from the aanmelding to the last change."""
    pad = _PAD[casus.fase]
    end = casus.afgesloten_op or casus.gewijzigd_op
    span = max(end - casus.aangemeld_op, dt.timedelta(minutes=len(pad)))
    return [
        Padstap(casus.aangemeld_op + span * step / len(pad), handeling, str(besluit), naar)
        for step, (handeling, besluit, naar) in enumerate(pad, start=1)
    ]


def _historie(convenant: Convenant, casus: Casus, pad: Sequence[Padstap] | None = None) -> list[Gebeurtenis]:
    """A plausible history for a generated casus: its aanmelding and the besluiten that led to its fase, those of
    `pad` when the generator fixed them (the 2023 year's), else `_standaardpad`'s.

    Entries are in time order, the last at the afsluiting of a closed casus; they carry no toelichting.
    """
    document = convenant.document(casus.casustype)
    regie = casus.aanmelder if casus.casustype is Casustype.CTER or document is None else document.bureau
    regie_rol = "casusregisseur" if regie == casus.aanmelder else "procesregisseur"
    first = Gebeurtenis(
        f"{casus.id[:24]}{0:08x}",
        casus.id,
        casus.aangemeld_op,
        casus.aanmelder,
        DEMO_GEBRUIKER,
        "casusregisseur",
        Handeling.AANMELDING,
        Fase.AANMELDING,
        Fase.AANMELDING,
        gegevens={"casustype": casus.casustype.value},
    )
    out = [first]
    stappen = pad if pad is not None else _standaardpad(casus)
    van = Fase.AANMELDING
    for step, stap in enumerate(stappen, start=1):
        key = "uitkomst" if stap.handeling is Handeling.AFSLUITING else "besluit"
        out.append(
            Gebeurtenis(
                f"{casus.id[:24]}{step:08x}",
                casus.id,
                stap.tijd,
                regie or casus.aanmelder,
                DEMO_GEBRUIKER,
                regie_rol,
                stap.handeling,
                van,
                stap.naar,
                gegevens={key: stap.waarde},
            )
        )
        van = stap.naar
    return out


def _values_per_casus(convenant: Convenant, region: DemoRegion) -> dict[str, dict[tuple[str | None, str], JsonWaarde]]:
    """Group the region's values per casus, normalised exactly as an API contribution would be.

    Raises:
        OngeldigeWaardeError: a generated value does not fit its veld (a bug in the generator, never stored).
    """
    out: dict[str, dict[tuple[str | None, str], JsonWaarde]] = {}
    for (casus_id, betrokkene, veld_id), waarde in region.veldwaarden.items():
        veld = convenant.veld(veld_id)
        if veld is None:
            raise OngeldigeWaardeError(f"{veld_id}: not in the veldcatalogus")
        raw = waarde.isoformat() if isinstance(waarde, dt.date) else waarde
        out.setdefault(casus_id, {})[(betrokkene, veld_id)] = normaliseer(veld, raw)
    return out


def write_credentials(path: Path, credentials: list[DemoCredential]) -> None:
    """Write the credentials file atomically (a reader sees the old file or the new, never half), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "waarschuwing": "Synthetic demo users for development only. Never use these tokens in production.",
        "gebruikers": [asdict(c) for c in credentials],
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=2, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
