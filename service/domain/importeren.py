"""Importing a ZVH's history: what the log records of an import, and what an import refuses.

An import stores casussen as if they had been entered through Deelpoort when they happened (docs/import.md). It
did not happen through Deelpoort, so the log says what did happen, now: an operator imported a file.

Invariants:
- An import writes no verstrekking and no aanlevering record: no partner asked for or supplied anything through
  Deelpoort. It writes one `Importbestand` record per run (the operator, the file's SHA-256, counts) and one
  `Importcasus` record per casus it stored, in the transaction that stores them.
- An `Importcasus` record is about the casus's betrokkenen (their opaque ids) and names per veld the places it
  holds, the bron of each place's value and the bron's grondslag and verwerkingsactiviteit under the bronregels:
  the FG's access request finds it for each person, and the person learns who supplied what (AVG art. 15(1)(g)).
- Like every record: why, never what. No field value, no external id of the source system, no file name; the
  file is named by its SHA-256 only.
- An `Importweigering` names the line, the place in it and the rule, never the value found there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.verstrekking import RECORD_FORMAT, Trace, VerstrektVeld, record_tijd, verstrekt_record

IMPORT = "import"  # the soort of the record of one import run (the file), and the doel of every import record
IMPORT_CASUS = "import-casus"  # the soort of the record of one casus an import stored
GEIMPORTEERD = "geimporteerd"  # the uitkomst of both
# The doel of an import, in words for the FG and the person (it is no doel of the convenant: nothing is shared).
IMPORT_DOEL_NAAM = "Overname uit het eerdere registratiesysteem van het Zorg- en Veiligheidshuis"
IMPORT_DOEL_OMSCHRIJVING = (
    "Voordat het Zorg- en Veiligheidshuis Deelpoort gebruikte, waren deze gegevens door de genoemde organisaties "
    "aangeleverd in zijn eerdere registratiesysteem. Ze zijn daaruit overgenomen, met wie ze toen aanleverde."
)


@dataclass(frozen=True, slots=True)
class Uitvoerder:
    """Who ran the import: a gebruiker of a partner (its OIN and rol), as every record names its actor."""

    partner: str
    oin: str
    gebruiker: str
    rol: str


@dataclass(frozen=True, slots=True)
class Importbestand:
    """The log record of one import run: who imported which file (by its SHA-256) and how much."""

    id: str  # also the gebruiker the imported history entries name: the run that wrote them
    tijd: dt.datetime
    door: Uitvoerder
    sha256: str  # of the file's bytes, as read
    regels: int  # lines with a casus in the file
    casussen: int  # casussen stored by this run
    overgeslagen: int  # lines whose casus an earlier run stored already (unchanged)
    beleidsversie: str  # the field policy whose bronregels judged every value
    trace: Trace

    def as_record(self) -> dict[str, object]:
        return _record(self.id, self.tijd, self.door, self.trace, self.beleidsversie) | {
            "soort": IMPORT,
            "casus": None,
            "bestand": {"sha256": self.sha256},
            "aantallen": {"regels": self.regels, "casussen": self.casussen, "overgeslagen": self.overgeslagen},
        }


@dataclass(frozen=True, slots=True)
class Importcasus:
    """The log record of one casus an import stored: about whom, which velden from which bron on what grondslag."""

    id: str
    tijd: dt.datetime
    door: Uitvoerder
    run: str  # the `Importbestand` record's id
    casus: str
    casustype: str
    betrokkenen: tuple[str, ...]
    verstrekt: tuple[VerstrektVeld, ...]  # per (veld, grondslag, activity): the places, each with its bron
    beleidsversie: str
    trace: Trace

    def as_record(self) -> dict[str, object]:
        return _record(self.id, self.tijd, self.door, self.trace, self.beleidsversie) | {
            "soort": IMPORT_CASUS,
            "casus": self.casus,
            "casustype": self.casustype,
            "betrokkenen": list(self.betrokkenen),
            "verstrekt": verstrekt_record(self.verstrekt),
            "import": self.run,
        }


def _record(ident: str, tijd: dt.datetime, door: Uitvoerder, trace: Trace, beleidsversie: str) -> dict[str, object]:
    """What every import record holds: its id and time, the operator, the policy version, its trace (a casus's
    span names the run's as its parent)."""
    return {
        "formaat": RECORD_FORMAT,
        "id": ident,
        "tijd": record_tijd(tijd),
        "partner": door.partner,
        "oin": door.oin,
        "gebruiker": door.gebruiker,
        "rol": door.rol,
        "doel": IMPORT,
        "uitkomst": GEIMPORTEERD,
        "beleidsversie": beleidsversie,
        "traceId": trace.trace_id,
        "spanId": trace.span_id,
        **({"parentSpanId": trace.parent_id} if trace.parent_id is not None else {}),
    }


@dataclass(frozen=True, slots=True, order=True)
class Importweigering:
    """Why a line of an import file is refused: its number (1-based), the place in it (`betrokkenen[0].velden.bsn`;
    empty for the line as a whole) and the rule it breaks. Never the value."""

    regel: int
    plaats: str
    reden: str
