"""The report for the person (AVG art. 15): who supplied and who received what about them, why, on which
grondslag, how long it is kept, and what they can do about it, in plain Dutch.

Invariants:
- Built from the FG's access request (`verantwoording.raadplegen.inzageverzoek`) through `rapport.voor_betrokkene`
  only: a record an uitstel defers today and every record of a regime that does not allow it (CTER) are absent,
  and nothing in the report (count, wording, paragraphs) depends on whether such records exist.
- Per flow: the bron (who supplied the data), the recipient (a partner, or the casus for an aanlevering or an
  import: a casus taken over from the region's earlier system says so, with its bronnen), the doel with its
  description, the grondslagen with their article, the verwerkingsactiviteit with its bewaartermijn, the kinds
  of data (categorie names) and the person's place in the casus. Names and codes from the convenant
  only: never a value, never a casus id or log index (the person needs neither; the FG's own view has them).
- Only an FG may make it (`NietToegestaanError` otherwise); the BSN is used as in the access request and forgotten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.bewaartermijn import in_woorden
from service.domain.casus import Gebruiker
from service.domain.convenant import Convenant, Verwerkingsactiviteit
from service.domain.importeren import IMPORT_CASUS, IMPORT_DOEL_OMSCHRIJVING
from service.domain.verstrekking import AANLEVERING
from service.service_layer.rechten.rapport import voor_betrokkene
from service.service_layer.services import Services
from service.service_layer.verantwoording.raadplegen import Inzage, InzageRegel, inzageverzoek

ONBEKENDE_BRON = "een partner van het Zorg- en Veiligheidshuis"  # records made before bronnen were recorded
# The person's rights, the same for every report (nothing here may depend on what the report leaves out).
RECHTEN = (
    "U hebt het recht om te weten welke gegevens over u zijn verwerkt en aan wie ze zijn verstrekt (inzage, "
    "artikel 15 AVG). Dit overzicht is daarop het antwoord.",
    "Kloppen gegevens niet, dan kunt u vragen ze te verbeteren of aan te vullen (artikel 16 AVG). Wij sturen uw "
    "verzoek door naar de organisatie die de gegevens heeft aangeleverd.",
    "U kunt vragen gegevens te verwijderen (artikel 17 AVG) of het gebruik ervan te beperken (artikel 18 AVG), en "
    "bezwaar maken tegen het gebruik (artikel 21 AVG). Soms staat de wet dat niet of niet direct toe, bijvoorbeeld "
    "als een onderzoek of de veiligheid van iemand dat vraagt; u krijgt dan te horen waarom.",
    "Organisaties die gegevens over u hebben ontvangen, laten wij weten wanneer gegevens worden verbeterd, "
    "verwijderd of beperkt (artikel 19 AVG).",
    "Bent u het niet eens met hoe met uw gegevens is omgegaan, dan kunt u een klacht indienen bij de Autoriteit "
    "Persoonsgegevens (autoriteitpersoonsgegevens.nl).",
)
STANDAARD_CONTACT = "de functionaris gegevensbescherming van het Zorg- en Veiligheidshuis"


@dataclass(frozen=True, slots=True)
class Verwerking:
    naam: str
    bewaartermijn: str  # in plain Dutch, e.g. "2 jaar"


@dataclass(frozen=True, slots=True)
class Rapportregel:
    """One flow of data about the person, as the person reads it."""

    datum: dt.date
    aangeleverd: bool  # True: a partner supplied data to the casus; False: data was released to a partner
    zin: str  # the flow in one plain Dutch sentence
    bronnen: tuple[str, ...]  # who supplied the data (names)
    ontvanger: str  # who received it (a partner's name, or the casus)
    doel: str
    doel_omschrijving: str
    soorten_gegevens: tuple[str, ...]
    grondslagen: tuple[tuple[str, str], ...]  # (naam, artikel)
    verwerkingen: tuple[Verwerking, ...]
    u_als: str  # hoofdpersoon, systeemlid


@dataclass(frozen=True, slots=True)
class Persoonsrapport:
    opgesteld_op: dt.date
    regels: tuple[Rapportregel, ...]
    afgekapt: bool  # the report is incomplete (too many records) and says so
    contact: str
    rechten: tuple[str, ...] = RECHTEN


def persoonsrapport(
    services: Services, gebruiker: Gebruiker, bsn: str, *, now: dt.datetime | None = None
) -> Persoonsrapport:
    """The report for the person with this BSN.

    Raises:
        NietToegestaanError: not an FG.
        OngeldigeInvoerError: `bsn` is not nine digits (never repeated).
    """
    now = now or dt.datetime.now(dt.UTC)
    return uit_inzage(services, inzageverzoek(services, gebruiker, bsn, now=now), now.date())


def uit_inzage(services: Services, inzage: Inzage, op: dt.date) -> Persoonsrapport:
    """The report for the person from the FG's access request made today (`op`): what `voor_betrokkene` keeps."""
    voor_persoon = voor_betrokkene(inzage)
    convenant = services.convenant
    activiteiten = {(va.id, va.versie): va for va in convenant.verwerkingsactiviteiten}
    regels = tuple(_regel(convenant, activiteiten, r) for r in voor_persoon.regels)
    return Persoonsrapport(op, regels, voor_persoon.afgekapt, _contact(convenant))


def _regel(
    convenant: Convenant, activiteiten: dict[tuple[str, int], Verwerkingsactiviteit], regel: InzageRegel
) -> Rapportregel:
    aangeleverd = regel.soort in (AANLEVERING, IMPORT_CASUS)
    bronnen = tuple(naam for _, naam in regel.bronnen) or (ONBEKENDE_BRON,)
    doel = next((d for d in convenant.doelen if d.id == regel.doel), None)
    omschrijving = doel.omschrijving if doel is not None else ""
    verwerkingen = tuple(
        Verwerking(va.naam, in_woorden(va.bewaartermijn))
        for key in regel.verwerkingsactiviteiten
        if key[1] is not None and (va := activiteiten.get((key[0], key[1]))) is not None
    )
    soorten = ", ".join(c.lower() for c in regel.categorieen)
    if regel.soort == IMPORT_CASUS:
        omschrijving = IMPORT_DOEL_OMSCHRIJVING
        zin = (
            f"{_opsomming(bronnen)} heeft gegevens over u aangeleverd aan de casus ({soorten}), in het eerdere "
            "registratiesysteem van het Zorg- en Veiligheidshuis; op deze datum zijn ze daaruit overgenomen."
        )
    elif aangeleverd:
        zin = f"{_opsomming(bronnen)} heeft gegevens over u aangeleverd aan de casus ({soorten})."
    elif bronnen == (regel.ontvanger_naam,):
        zin = f"{regel.ontvanger_naam} heeft gegevens over u ontvangen ({soorten}) die het zelf had aangeleverd."
    else:
        zin = (
            f"{regel.ontvanger_naam} heeft gegevens over u ontvangen ({soorten}), afkomstig van {_opsomming(bronnen)}."
        )
    return Rapportregel(
        datum=dt.date.fromisoformat(regel.tijd[:10]),
        aangeleverd=aangeleverd,
        zin=zin,
        bronnen=bronnen,
        ontvanger=regel.ontvanger_naam,
        doel=regel.doel_naam,
        doel_omschrijving=omschrijving,
        soorten_gegevens=regel.categorieen,
        grondslagen=tuple((naam, artikel) for _, naam, artikel in regel.grondslagen),
        verwerkingen=verwerkingen,
        u_als=regel.rol_betrokkene,
    )


def _opsomming(namen: tuple[str, ...]) -> str:
    return namen[0] if len(namen) == 1 else f"{', '.join(namen[:-1])} en {namen[-1]}"


def _contact(convenant: Convenant) -> str:
    """Whom the person contacts: the regular convenant's contact line (the report holds no CTER records)."""
    found = [d.contact for d in convenant.documenten if d.contact]
    return found[0] if found else STANDAARD_CONTACT
