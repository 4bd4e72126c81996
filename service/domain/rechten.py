"""Rights of the betrokkene: a beperking of processing (AVG art. 18) and an uitstel of informing the person.

Invariants:
- A beperking and an uitstel are scoped to a person through the BSN blind index of one regime (never the BSN),
  so a casus about the same person created later is covered too; each is about one regime, so nothing here
  ties a CTER casus to a regular one (DESIGN invariant 5).
- Grounds and reasons are fixed codes: AVG art. 18 lid 1 sub a-d for a beperking, `Opheffingsreden` for its
  lifting, a convenant grondslag for an uitstel. No free text is kept: a text about a vulnerable person would
  be personal data outside every casus's key and retention.
- A log record (`Rechtenrecord`) names one casus and the person's betrokkene ids in it, the codes and the actor
  (partner, gebruiker, rol); never a BSN, a blind index, a name or a value. One record per casus the person is
  found in (none found: one record without casus or betrokkenen), so a destruction that forgets a casus's
  betrokkenen never finds them named in a record about another casus (`adapters.afgeleid`).
- An uitstel defers a record while the day is before its einddatum and it was not ended early; it covers a
  record when its partner is the record's `partner` (recipient of a verstrekking, bron of an aanlevering) or a
  bron of a released veld, the record names one of the person's betrokkenen, and (when given) it is of its casus.
- A report for the person never holds a record of a regime whose `INZAGE_BETROKKENE` is False (CTER: the Wet PGA
  lets the burgemeester decide on informing the person; Deelpoort does not decide it).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from service.domain.convenant import Regime
from service.domain.verstrekking import RECORD_FORMAT, record_tijd

# Whether a report for the person (an answer to the person's access request) may show records of a regime.
# A setting in code, not in the convenant: changing it changes what vulnerable people are told, so it goes
# through review and a release, not a beheer proposal. CTER: off (Wet PGA; the burgemeester decides).
INZAGE_BETROKKENE: dict[Regime, bool] = {Regime.REGULIER: True, Regime.CTER: False}


class Grond(enum.StrEnum):
    """Why processing is restricted (AVG art. 18 lid 1)."""

    JUISTHEID_BETWIST = "juistheid-betwist"  # sub a: the person contests the accuracy
    ONRECHTMATIG = "onrechtmatig"  # sub b: unlawful, the person opposes erasure
    RECHTSVORDERING = "rechtsvordering"  # sub c: the person needs the data for a legal claim
    BEZWAAR = "bezwaar"  # sub d: objection (art. 21) pending verification


class Opheffingsreden(enum.StrEnum):
    """Why a beperking was lifted."""

    JUIST_OF_GECORRIGEERD = "juist-of-gecorrigeerd"  # accuracy verified, or the data corrected (sub a)
    BEZWAAR_BESLIST = "bezwaar-beslist"  # the objection was decided (sub d)
    RECHTSVORDERING_AFGEROND = "rechtsvordering-afgerond"  # the claim no longer needs it (sub c)
    INGETROKKEN = "ingetrokken"  # the person withdrew the request
    VERGISSING = "vergissing"  # entered by mistake


class Soort(enum.StrEnum):
    """The soort (and doel column) of a rights record in the log."""

    BEPERKING = "beperking"
    OPHEFFING_BEPERKING = "opheffing-beperking"
    UITSTEL = "uitstel"
    EINDE_UITSTEL = "einde-uitstel"
    CORRECTIEVERZOEK = "correctieverzoek"  # a correctie or verwijdering received and routed (`domain.correctie`)
    AFHANDELING_CORRECTIEVERZOEK = "afhandeling-correctieverzoek"  # the bron partner's answer


SOORTEN = frozenset(s.value for s in Soort)


@dataclass(frozen=True, slots=True)
class Beperking:
    """A restriction of processing of one person's data in one regime, until lifted.

    `doelen` are the doelen for which the person's values may still be released (possibly none).
    """

    id: str
    regime: Regime
    bsn_index: str | None  # the person's blind index in `regime`; None once lifted (no longer needed)
    doelen: frozenset[str]
    grond: Grond
    ingesteld_op: dt.datetime
    ingesteld_door: str  # gebruiker id
    ingesteld_partner: str
    opgeheven_op: dt.datetime | None = None
    opgeheven_door: str | None = None
    opheffingsreden: Opheffingsreden | None = None

    @property
    def actief(self) -> bool:
        return self.opgeheven_op is None


@dataclass(frozen=True, slots=True)
class Uitstel:
    """A deferral of informing the person about one partner's flows (optionally within one casus)."""

    id: str
    regime: Regime
    bsn_index: str
    partner: str  # the deferring partner: its flows about the person are deferred
    casus: str | None
    grondslag: str  # a convenant grondslag id
    einddatum: dt.date  # deferred while the day is before this date
    ingesteld_op: dt.datetime
    ingesteld_door: str
    beeindigd_op: dt.datetime | None = None  # ended early
    beeindigd_door: str | None = None

    def geldt(self, vandaag: dt.date) -> bool:
        return self.beeindigd_op is None and vandaag < self.einddatum

    def dekt(
        self, partners: Collection[str], casus: str | None, betrokkenen: Iterable[str], personen: Collection[str]
    ) -> bool:
        """Whether a record of these flow partners, casus and betrokkenen is in this uitstel's scope, where
        `personen` are the person's betrokkene ids in this uitstel's regime."""
        if self.partner not in partners or (self.casus is not None and casus != self.casus):
            return False
        return any(b in personen for b in betrokkenen)


def beperkte_doelen(beperkingen: Iterable[Beperking]) -> frozenset[str] | None:
    """The doelen still allowed under every active beperking (the intersection); None when none is active."""
    allowed: frozenset[str] | None = None
    for beperking in beperkingen:
        if beperking.actief:
            allowed = beperking.doelen if allowed is None else allowed & beperking.doelen
    return allowed


@dataclass(frozen=True, slots=True)
class Rechtenrecord:
    """One log record of a rights step about one casus (or about no casus when the person was found in none).

    `betreft` is the beperking's, uitstel's or correctieverzoek's id; `codes` the step's fixed codes (grond,
    doelen, reden, grondslag, einddatum, veld names, the bron partner, a result), all from the convenant or the
    domain.
    """

    id: str
    tijd: dt.datetime
    soort: Soort
    partner: str
    gebruiker: str
    rol: str
    casus: str | None
    casustype: str | None
    betrokkenen: tuple[str, ...]
    betreft: str
    uitkomst: str  # "ingesteld" | "opgeheven" | "beeindigd" | "doorgestuurd" | "geen-waarde" | a `Resultaat`
    codes: tuple[tuple[str, str | list[str]], ...]

    def as_record(self) -> dict[str, object]:
        record: dict[str, object] = {
            "formaat": RECORD_FORMAT,
            "soort": self.soort.value,
            "id": self.id,
            "tijd": record_tijd(self.tijd),
            "partner": self.partner,
            "gebruiker": self.gebruiker,
            "rol": self.rol,
            "casus": self.casus,
            "casustype": self.casustype,
            "betrokkenen": list(self.betrokkenen),
            "doel": self.soort.value,
            "uitkomst": self.uitkomst,
            "betreft": self.betreft,
        }
        for key, value in self.codes:
            record[key] = value
        return record
