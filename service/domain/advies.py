"""Adviezen: questions a partner puts to the Bureau ZVH and how they were answered, as countable metadata.

Three soorten: a kort advies (a question answered), an uitgebreid advies (a consultation; with betrokkenen it is
a casus in fase `advies`, which the advies names; without, it is anonymous) and an informatieknooppunt contact
(who asked, about what, what was given).

Invariants:
- An advies holds no personal data at all: its every value is an id or a code of the convenant (asking partner,
  gemeente, onderwerp), a code of this module (soort, antwoorden), a date or a time. There is no free text, so
  nothing a professional types about a person can end up in it; the persons of an uitgebreid advies with
  betrokkenen live in its casus (encrypted, logged), never here.
- Only an uitgebreid advies names a casus; it then takes gemeente, onderwerp and asking partner from that casus
  (one source, no second copy that could differ).
- Everything that is counted for the annual report (soort, gemeente, onderwerp, asking partner, with or without
  betrokkenen) is a plain column of the record.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


class Adviessoort(enum.StrEnum):
    KORT = "kort"  # a question answered: asking partner, gemeente, onderwerp, no persons
    UITGEBREID = "uitgebreid"  # a consultation; with betrokkenen through a casus in fase advies, else anonymous
    INFORMATIEKNOOPPUNT = "informatieknooppunt"  # who asked, about what, what was given


class Antwoord(enum.StrEnum):
    """What the Bureau gave in answer: codes, so that no free text about a person is ever stored."""

    ADVIES_GEGEVEN = "advies-gegeven"
    INFORMATIE_GEGEVEN = "informatie-gegeven"
    DOORVERWEZEN = "doorverwezen"  # to a partner or another loket
    AANMELDING_GEADVISEERD = "aanmelding-geadviseerd"  # advised to refer it as a casus
    MEEGEDACHT = "meegedacht"  # thought along in a (case) consultation
    GEEN_VERVOLG = "geen-vervolg"


ADVIESROLLEN = frozenset({"procesregisseur", "procesondersteuner"})  # of the Bureau ZVH: they answer the questions
MAX_ANTWOORDEN = len(Antwoord)


@dataclass(frozen=True, slots=True)
class Advies:
    id: str
    soort: Adviessoort
    datum: dt.date  # when the question was answered
    vrager: str  # Partner.id of the asking partner
    gemeente: str  # Gemeente.id
    onderwerp: str  # Casusonderwerp.id
    antwoorden: tuple[Antwoord, ...]
    casus_id: str | None  # only an uitgebreid advies with betrokkenen: its casus (fase advies)
    geregistreerd_door: str  # Gebruiker.id of the procesregisseur or procesondersteuner
    geregistreerd_partner: str  # Partner.id (the Bureau ZVH)
    geregistreerd_op: dt.datetime

    @property
    def met_betrokkenen(self) -> bool:
        return self.casus_id is not None


def antwoord_problemen(antwoorden: Sequence[str]) -> list[tuple[str, str]]:
    """What is wrong with a list of antwoord codes: at least one, each a code, none twice."""
    if not antwoorden:
        return [("antwoorden", f"at least one of: {', '.join(a.value for a in Antwoord)}")]
    problems: list[tuple[str, str]] = []
    allowed = {a.value for a in Antwoord}
    for index, code in enumerate(antwoorden):
        if code not in allowed:
            problems.append((f"antwoorden[{index}]", f"must be one of: {', '.join(a.value for a in Antwoord)}"))
        elif code in antwoorden[:index]:
            problems.append((f"antwoorden[{index}]", "named twice"))
    return problems


@dataclass(frozen=True, slots=True)
class Telrij:
    """How many adviezen share one combination of the counted attributes."""

    soort: Adviessoort
    gemeente: str
    onderwerp: str
    vrager: str
    met_betrokkenen: bool
    aantal: int


@dataclass(frozen=True)
class Adviestellingen:
    """The adviezen of one year counted per soort, gemeente, onderwerp and asking partner (for the annual
    report); `rijen` keeps every combination, so any other cross-count can be made from it."""

    jaar: int
    rijen: tuple[Telrij, ...]

    @property
    def totaal(self) -> int:
        return sum(r.aantal for r in self.rijen)

    def per(self, attribuut: str, soort: Adviessoort | None = None) -> Mapping[str, int]:
        """Counts per value of `attribuut` (soort, gemeente, onderwerp or vrager), of one soort or all."""
        counts: Counter[str] = Counter()
        for rij in self._van(soort):
            counts[str(getattr(rij, attribuut))] += rij.aantal
        return dict(sorted(counts.items()))

    def uitgebreid(self) -> Mapping[str, int]:
        """Uitgebreide adviezen: anonymous (no persons stored) and with betrokkenen (through a casus)."""
        rijen = list(self._van(Adviessoort.UITGEBREID))
        return {
            "anoniem": sum(r.aantal for r in rijen if not r.met_betrokkenen),
            "metBetrokkenen": sum(r.aantal for r in rijen if r.met_betrokkenen),
        }

    def _van(self, soort: Adviessoort | None) -> Iterable[Telrij]:
        return (r for r in self.rijen if soort is None or r.soort is soort)
