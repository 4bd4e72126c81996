"""The plan van aanpak of a casus as structure: doelen per leefgebied, acties, afspraken, opschalingen, AVE-fase.

Invariants:
- Everything a person could be named in is free text and is case data: a doel's `tekst`, an actie's
  `omschrijving`, an afspraak's `tekst`, an opschaling's `reden` and `toelichting` on its uitkomst. It is held
  only encrypted under the casus's data key and leaves the service only in a verstrekking; each kind of text
  counts as one veld of the veldcatalogus's categorie `plan` (`TEKSTVELD`), so the field policy and the
  bronregels decide about it exactly as they do about that veld.
- Everything else is metadata in codes, ids and dates (leefgebied, owning partner, deadline, status, niveau,
  uitkomst, AVE-fase): the werkvoorraad and figures are computed from it without decrypting anything. An
  afspraak's `overleg` is an opaque id (32 hex), never a text.
- An actie is overdue (`verlopen`) on a day after its deadline while it is neither afgerond nor vervallen.
- The AVE-fase (1-4) exists only for a casus about verward gedrag; every change is a history entry of the casus
  (who, when, from, to).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

AVE_ONDERWERP = "verward-gedrag"  # the convenant onderwerp id of verward/onbegrepen gedrag
AVE_FASEN = (1, 2, 3, 4)
OVERLEG_ID = re.compile(r"[0-9a-f]{32}")


class Leefgebied(enum.StrEnum):
    """The life domains a doel is set in (those of the Zelfredzaamheid-Matrix, with veiligheid added)."""

    FINANCIEN = "financien"
    WERK_OPLEIDING = "werk-opleiding"
    TIJDSBESTEDING = "tijdsbesteding"
    HUISVESTING = "huisvesting"
    HUISELIJKE_RELATIES = "huiselijke-relaties"
    GEESTELIJKE_GEZONDHEID = "geestelijke-gezondheid"
    LICHAMELIJKE_GEZONDHEID = "lichamelijke-gezondheid"
    MIDDELENGEBRUIK = "middelengebruik"
    ADL = "adl"
    SOCIAAL_NETWERK = "sociaal-netwerk"
    MAATSCHAPPELIJKE_PARTICIPATIE = "maatschappelijke-participatie"
    JUSTITIE = "justitie"
    VEILIGHEID = "veiligheid"


class ActieStatus(enum.StrEnum):
    OPEN = "open"
    IN_UITVOERING = "in-uitvoering"
    AFGEROND = "afgerond"
    VERVALLEN = "vervallen"


AFGEHANDELD = frozenset({ActieStatus.AFGEROND, ActieStatus.VERVALLEN})
LOPEND = frozenset(ActieStatus) - AFGEHANDELD


class Niveau(enum.StrEnum):
    """Where an opschaling goes."""

    PARTNER_MANAGEMENT = "partner-management"
    LOKALE_DRIEHOEK = "lokale-driehoek"
    BESTUUR = "bestuur"


class OpschalingStatus(enum.StrEnum):
    OPEN = "open"
    AFGEROND = "afgerond"


class OpschalingUitkomst(enum.StrEnum):
    DOORBRAAK = "doorbraak"
    GEDEELTELIJKE_DOORBRAAK = "gedeeltelijke-doorbraak"
    GEEN_DOORBRAAK = "geen-doorbraak"
    VERDER_OPGESCHAALD = "verder-opgeschaald"


class Soort(enum.StrEnum):
    """The kinds of item of a plan (what a history entry of the plan names)."""

    DOEL = "doel"
    ACTIE = "actie"
    AFSPRAAK = "afspraak"
    OPSCHALING = "opschaling"


# The veld of the veldcatalogus each kind of text counts as: the policy's grant for that veld decides whether a
# partner receives it (doel plan-van-aanpak or monitoring), the bronregels whether a partner may supply it.
DOELTEKST, AFSPRAAKTEKST, ESCALATIETEKST = "planDoelen", "afspraken", "escalatie"
TEKSTVELD: dict[Soort, str] = {
    Soort.DOEL: DOELTEKST,
    Soort.ACTIE: AFSPRAAKTEKST,
    Soort.AFSPRAAK: AFSPRAAKTEKST,
    Soort.OPSCHALING: ESCALATIETEKST,
}
TEKSTVELDEN = frozenset(TEKSTVELD.values())


@dataclass(frozen=True, slots=True)
class Doel:
    id: str
    casus_id: str
    leefgebied: Leefgebied
    aangemaakt_op: dt.datetime
    bron: str  # the partner that supplied its text


@dataclass(frozen=True, slots=True)
class Actie:
    id: str
    casus_id: str
    doel_id: str | None
    partner_id: str  # the owning partner: takes part in the casus, sets its status
    deadline: dt.date
    status: ActieStatus
    aangemaakt_op: dt.datetime
    gewijzigd_op: dt.datetime
    bron: str

    def verlopen(self, vandaag: dt.date) -> bool:
        """Past its deadline and not yet afgerond or vervallen."""
        return self.deadline < vandaag and self.status in LOPEND


@dataclass(frozen=True, slots=True)
class Afspraak:
    id: str
    casus_id: str
    datum: dt.date
    overleg: str | None  # the id of the overleg it was made in: one with the casus on its agenda when recorded
    aangemaakt_op: dt.datetime
    bron: str


@dataclass(frozen=True, slots=True)
class Opschaling:
    id: str
    casus_id: str
    niveau: Niveau
    datum: dt.date
    status: OpschalingStatus
    uitkomst: OpschalingUitkomst | None
    aangemaakt_op: dt.datetime
    afgerond_op: dt.datetime | None
    bron: str


@dataclass(frozen=True, slots=True)
class AveFase:
    fase: int
    sinds: dt.datetime


@dataclass(frozen=True, slots=True)
class Plan:
    """A casus's plan as metadata: no text of any item."""

    casus_id: str
    doelen: tuple[Doel, ...] = ()
    acties: tuple[Actie, ...] = ()
    afspraken: tuple[Afspraak, ...] = ()
    opschalingen: tuple[Opschaling, ...] = ()
    ave_fase: AveFase | None = None
