"""The convenant as data: partners, rollen, doelen, grondslagen, verwerkingsactiviteiten and the veldcatalogus.

Invariants:
- A `Convenant` is immutable and internally consistent: every reference (partner type, categorie, doel,
  grondslag, casustype, fase) resolves within it. `service.convenant` is the only constructor from files and
  checks that before building one.
- Identifiers are lower-case kebab-case slugs, unique per kind across the whole registry.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class Casustype(enum.StrEnum):
    """The two kinds of casus; each has its own legal regime."""

    REGULIER = "regulier"
    CTER = "cter"


class Regime(enum.StrEnum):
    """The legal regime that follows from the casustype (convenant + Wgs, or Wet PGA)."""

    REGULIER = "regulier"
    CTER = "cter"

    @classmethod
    def of(cls, casustype: Casustype) -> Regime:
        return cls(casustype.value)


class Fase(enum.StrEnum):
    """Where a casus stands in the process."""

    AANMELDING = "aanmelding"
    TRIAGE = "triage"
    PROCESREGIE = "procesregie"
    ADVIES = "advies"
    AFGEWEZEN = "afgewezen"
    AFGESLOTEN = "afgesloten"


class Domein(enum.StrEnum):
    """The field a partner works in."""

    ZORG = "zorg"
    VEILIGHEID = "veiligheid"
    GEMEENTE = "gemeente"


class Gevoeligheid(enum.StrEnum):
    """How sensitive a veld is, which decides what grondslag it needs."""

    GEWOON = "gewoon"
    BIJZONDER = "bijzonder"  # AVG art. 9
    STRAFRECHTELIJK = "strafrechtelijk"  # AVG art. 10
    POLITIE = "politie"  # Wpg
    BSN = "bsn"  # AVG art. 87 / UAVG art. 46


class Veldtype(enum.StrEnum):
    """The kind of value a veld holds; decides how an input value is validated."""

    TEKST = "tekst"  # one line, up to max_lengte
    TEKST_LANG = "tekst-lang"  # free text, up to max_lengte
    DATUM = "datum"  # ISO 8601 date
    BSN = "bsn"  # nine digits passing the elfproef
    KEUZE = "keuze"  # one of keuzes
    KEUZES = "keuzes"  # a list of distinct keuzes
    GETAL = "getal"  # integer between minimum and maximum
    POSTCODE = "postcode"  # Dutch postcode 1234 AB
    TELEFOON = "telefoon"
    EMAIL = "email"
    JANEE = "ja-nee"  # boolean


class Onderwerp(enum.StrEnum):
    """What a veld is about: the casus itself or one betrokkene."""

    CASUS = "casus"
    BETROKKENE = "betrokkene"


@dataclass(frozen=True, slots=True)
class Partnertype:
    id: str
    naam: str
    domein: Domein


@dataclass(frozen=True, slots=True)
class Partner:
    """A convenant partner organisation, identified by its OIN (20 digits).

    `sub_oins` are further OINs registered for it (e.g. of a department with its own PKIoverheid certificate);
    a client certificate with its OIN or one of these is the partner's. No OIN belongs to two partners.
    """

    id: str
    naam: str
    oin: str
    type: str  # Partnertype.id
    convenanten: frozenset[str] = frozenset()  # Convenant ids this partner signed
    sub_oins: frozenset[str] = frozenset()

    @property
    def oins(self) -> frozenset[str]:
        """The OIN and every subOIN: the OINs a certificate of this partner's systems may carry."""
        return self.sub_oins | {self.oin}


@dataclass(frozen=True, slots=True)
class Gemeente:
    id: str
    naam: str


@dataclass(frozen=True, slots=True)
class Casusonderwerp:
    """One entry of the convenant's list of onderwerpen: what a casus or an advies is about (the annual report's
    categories, e.g. `huiselijk-geweld`). A code of the convenant, never personal data."""

    id: str
    naam: str


@dataclass(frozen=True, slots=True)
class Rol:
    id: str
    naam: str
    omschrijving: str


@dataclass(frozen=True, slots=True)
class Doel:
    id: str
    naam: str
    omschrijving: str


@dataclass(frozen=True, slots=True)
class Grondslag:
    """A legal basis with its article citation."""

    id: str
    naam: str
    artikel: str
    gevoeligheden: frozenset[Gevoeligheid]  # which sensitivities this basis can justify


@dataclass(frozen=True, slots=True)
class Categorie:
    id: str
    naam: str


@dataclass(frozen=True, slots=True)
class Veld:
    """One entry of the veldcatalogus."""

    id: str
    naam: str
    categorie: str  # Categorie.id
    gevoeligheid: Gevoeligheid
    type: Veldtype
    onderwerp: Onderwerp
    max_lengte: int | None = None
    keuzes: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class Verwerkingsactiviteit:
    """A versioned entry of the register of verwerkingsactiviteiten."""

    id: str
    versie: int
    geldig_vanaf: dt.date
    naam: str
    casustype: Casustype
    doel: str  # Doel.id
    grondslagen: tuple[str, ...]  # Grondslag.id
    categorieen: tuple[str, ...]  # Categorie.id
    bewaartermijn: str  # ISO 8601 duration, e.g. "P2Y"
    fasen: frozenset[Fase]  # the fasen in which this doel is permitted


@dataclass(frozen=True, slots=True)
class Overlegsoort:
    """A kind of overleg (meeting) whose agenda holds casussen of one casustype only (regimes stay apart)."""

    id: str
    naam: str
    casustype: Casustype  # the casustype of the convenant that defines it: the only casussen on its agenda


# Every region has these two (regular casussen); a convenant adds its thematic tables under `overlegsoorten:`.
VASTE_OVERLEGSOORTEN = (
    Overlegsoort("casusoverleg", "Casusoverleg", Casustype.REGULIER),
    Overlegsoort("procesregieoverleg", "Procesregieoverleg", Casustype.REGULIER),
)


@dataclass(frozen=True, slots=True)
class ConvenantDocument:
    """One signed convenant (one file): its identity and the casustype it governs."""

    id: str
    naam: str
    versie: str
    regio: str
    casustype: Casustype
    weegploeg: frozenset[str] = frozenset()  # Partnertype ids that take part by right (CTER)
    routeeroverleg: frozenset[str] = frozenset()  # Partner ids that take part in the routeeroverleg
    bureau: str | None = None  # Partner id of the Bureau ZVH that triages and directs this convenant's casussen
    contact: str | None = None  # whom a person contacts about their data (the FG), as printed in their report


def _index(items: tuple[object, ...]) -> Mapping[str, object]:
    return {getattr(item, "id"): item for item in items}  # noqa: B009


@dataclass(frozen=True)
class Convenant:
    """The registry: every convenant document merged, with lookups by id."""

    documenten: tuple[ConvenantDocument, ...]
    partnertypen: tuple[Partnertype, ...]
    partners: tuple[Partner, ...]
    gemeenten: tuple[Gemeente, ...]
    rollen: tuple[Rol, ...]
    doelen: tuple[Doel, ...]
    grondslagen: tuple[Grondslag, ...]
    categorieen: tuple[Categorie, ...]
    velden: tuple[Veld, ...]
    verwerkingsactiviteiten: tuple[Verwerkingsactiviteit, ...]
    onderwerpen: tuple[Casusonderwerp, ...] = ()  # what a casus or advies can be about (section `onderwerpen`)
    overlegsoorten: tuple[Overlegsoort, ...] = ()  # configured in the convenants, besides VASTE_OVERLEGSOORTEN
    _by_kind: dict[str, Mapping[str, object]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_by_kind",
            {
                "partnertype": _index(self.partnertypen),
                "partner": _index(self.partners),
                "gemeente": _index(self.gemeenten),
                "rol": _index(self.rollen),
                "doel": _index(self.doelen),
                "grondslag": _index(self.grondslagen),
                "categorie": _index(self.categorieen),
                "veld": _index(self.velden),
                "onderwerp": _index(self.onderwerpen),
            },
        )

    def partner(self, partner_id: str) -> Partner | None:
        return self._by_kind["partner"].get(partner_id)  # type: ignore[return-value]

    def partner_by_oin(self, oin: str) -> Partner | None:
        return next((p for p in self.partners if p.oin == oin), None)

    def partnertype(self, type_id: str) -> Partnertype | None:
        return self._by_kind["partnertype"].get(type_id)  # type: ignore[return-value]

    def veld(self, veld_id: str) -> Veld | None:
        return self._by_kind["veld"].get(veld_id)  # type: ignore[return-value]

    def overlegsoort(self, soort_id: str) -> Overlegsoort | None:
        """A fixed overleg soort or one a convenant configures, or None."""
        return next((s for s in (*VASTE_OVERLEGSOORTEN, *self.overlegsoorten) if s.id == soort_id), None)

    def grondslag(self, grondslag_id: str) -> Grondslag | None:
        return self._by_kind["grondslag"].get(grondslag_id)  # type: ignore[return-value]

    def ids(self, kind: str) -> frozenset[str]:
        """All ids of one kind: partnertype, partner, gemeente, rol, doel, grondslag, categorie, veld, onderwerp."""
        return frozenset(self._by_kind[kind])

    def domeinen(self) -> frozenset[str]:
        return frozenset(d.value for d in Domein)

    def casustypen(self) -> frozenset[str]:
        return frozenset(c.value for c in Casustype)

    def document(self, casustype: Casustype) -> ConvenantDocument | None:
        return next((d for d in self.documenten if d.casustype is casustype), None)

    def verwerkingsactiviteit(self, casustype: Casustype, doel: str, op: dt.date) -> Verwerkingsactiviteit | None:
        """The version of the activity for (casustype, doel) in force on date `op`, or None."""
        candidates = [
            va
            for va in self.verwerkingsactiviteiten
            if va.casustype is casustype and va.doel == doel and va.geldig_vanaf <= op
        ]
        return max(candidates, key=lambda va: (va.geldig_vanaf, va.versie), default=None)
