"""The import format (docs/import.md), read strictly: one line of JSON Lines into a `Casusinvoer`, or the problems.

This reads the shape only (keys, types, the form of dates); what the values mean (the convenant's ids, the
veldcatalogus, the lifecycle, the bronregels) is judged by `toets`.

Invariants:
- Strict: an unknown key, a key that appears twice in one object, a missing required key, a value of the wrong
  JSON type, NaN or Infinity, a date-time without an offset, a line that is not UTF-8 or larger than
  `MAX_REGEL_BYTES`: each is a problem, named by its place in the line (`historie[2].op`), never echoing a value.
- Every problem of a line is reported at once; a line with any problem yields no `Casusinvoer`.
- Times are returned timezone-aware in UTC.
- `Casusinvoer.inhoud` is the line's canonical JSON (keys sorted, no whitespace): two lines that decode to the
  same object have the same content, however they are written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

FORMAAT = 1
MAX_REGEL_BYTES = 1 << 20  # one casus per line; a larger line is refused, not read
MAX_EXTERN_ID = 200
MAX_BETROKKENEN = 50
MAX_HISTORIE = 500
MAX_TEKST = 2000  # a toelichting (the lifecycle's own limit is checked by `toets` as the API checks it)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAAM = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,79}")  # a key that is a name (shown in a problem's place)

Problemen = list[tuple[str, str]]
Sleutels = set[str] | frozenset[str]


@dataclass(frozen=True, slots=True)
class Partnerrol:
    """A partner acting in a rol (the aanmelder, or who took a step)."""

    partner: str
    rol: str


@dataclass(frozen=True, slots=True)
class Waardeinvoer:
    """One value of the line: its veld at a place (a betrokkene by its position, or the casus), and its bron."""

    waar: str  # the place of the veld's object in the line: "betrokkenen[0].velden" or "velden"
    betrokkene: int | None  # position in `betrokkenen`; None for a value of the casus
    veld: str
    waarde: Any  # as decoded; judged against the veldcatalogus by `toets`
    bron: str
    op: dt.datetime | None  # when the bron supplied it; None: with the aanmelding

    @property
    def plaats(self) -> str:
        return f"{self.waar}.{self.veld}"


@dataclass(frozen=True, slots=True)
class Stapinvoer:
    """One step of the history after the aanmelding (a lifecycle change, as the API makes them)."""

    plaats: str  # "historie[3]"
    handeling: str
    op: dt.datetime
    door: Partnerrol | None  # None: the Bureau ZVH's procesregisseur
    toelichting: str | None
    gegevens: Mapping[str, Any]  # the handeling's own keys (besluit, partner, rol, grondslag, prioriteit, ...)


@dataclass(frozen=True, slots=True)
class Casusinvoer:
    """One line, read: a casus as its source system knew it."""

    regel: int
    extern_id: str
    casustype: str
    gemeente: str
    onderwerp: str
    nevenonderwerpen: tuple[str, ...]
    aanmelder: Partnerrol
    aangemeld_op: dt.datetime
    betrokkenen: tuple[tuple[str, str | None], ...]  # (rol, relatie) in the line's order
    waarden: tuple[Waardeinvoer, ...]
    historie: tuple[Stapinvoer, ...]
    inhoud: bytes  # canonical JSON of the line (the content an import run fingerprints)


# Per handeling: its required and optional keys besides `handeling`, `op`, `door` and `toelichting`.
STAPPEN: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "triage": (frozenset({"besluit"}), frozenset()),
    "deelnemer-toegevoegd": (frozenset({"partner", "rol"}), frozenset({"grondslag"})),
    "deelnemer-verwijderd": (frozenset({"partner"}), frozenset()),
    "prioritering": (frozenset({"prioriteit"}), frozenset()),
    "afsluiting": (frozenset({"uitkomst"}), frozenset({"overdracht"})),
}
_STAP_ALTIJD = frozenset({"handeling", "op"})
_STAP_OPTIONEEL = frozenset({"door", "toelichting"})


def lees(regel: int, data: bytes) -> Casusinvoer | Problemen:
    """Read line number `regel` (its bytes without the line end): the casus, or every problem found."""
    if len(data) > MAX_REGEL_BYTES:
        return [("", f"the line is larger than {MAX_REGEL_BYTES} bytes")]
    try:
        tekst = data.decode("utf-8")
    except UnicodeDecodeError:
        return [("", "not UTF-8")]
    try:
        document = json.loads(tekst, object_pairs_hook=_geen_dubbele, parse_constant=_geen_constante)
    except _DubbeleSleutelError as exc:
        return [(exc.sleutel, "a key appears twice in one object")]
    except ValueError as exc:
        reden = exc.msg if isinstance(exc, json.JSONDecodeError) else "NaN and Infinity are not JSON numbers"
        return [("", f"not valid JSON: {reden}")]
    lezer = _Lezer()
    invoer = lezer.casus(regel, document)
    if lezer.problemen or invoer is None:
        return lezer.problemen or [("", "not a casus")]
    return invoer


class _DubbeleSleutelError(ValueError):
    def __init__(self, sleutel: str) -> None:
        super().__init__(sleutel)
        self.sleutel = _naam(sleutel)


def _geen_dubbele(paren: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sleutel, waarde in paren:
        if sleutel in out:
            raise _DubbeleSleutelError(sleutel)
        out[sleutel] = waarde
    return out


def _geen_constante(naam: str) -> Any:
    raise ValueError(naam)


def canoniek(document: object) -> bytes:
    """The canonical JSON bytes of a decoded line (keys sorted, no whitespace, UTF-8)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class _Lezer:
    """Reads one decoded line, collecting every problem with its place."""

    def __init__(self) -> None:
        self.problemen: Problemen = []

    def casus(self, regel: int, document: object) -> Casusinvoer | None:
        verplicht = {"formaat", "externId", "casustype", "gemeente", "onderwerp", "aanmelding", "betrokkenen"}
        obj = self._object(document, "", verplicht, {"nevenonderwerpen", "velden", "historie"})
        if obj is None:
            return None
        if obj.get("formaat") != FORMAAT or isinstance(obj.get("formaat"), bool):
            self._probleem("formaat", f"must be {FORMAAT} (the version of docs/import.md this line follows)")
        extern_id = self._tekst(obj.get("externId"), "externId", MAX_EXTERN_ID)
        casustype = self._tekst(obj.get("casustype"), "casustype", 40)
        gemeente = self._tekst(obj.get("gemeente"), "gemeente", 80)
        onderwerp = self._tekst(obj.get("onderwerp"), "onderwerp", 40)
        neven = self._lijst(obj.get("nevenonderwerpen", []), "nevenonderwerpen", 10)
        nevenonderwerpen = tuple(self._tekst(n, f"nevenonderwerpen[{i}]", 40) or "" for i, n in enumerate(neven))
        aanmelding = self._object(obj.get("aanmelding"), "aanmelding", {"op", "partner", "rol"}, set())
        aanmelder, aangemeld_op = None, None
        if aanmelding is not None:
            aanmelder = self._partnerrol(aanmelding, "aanmelding")
            aangemeld_op = self._moment(aanmelding.get("op"), "aanmelding.op")
        betrokkenen: list[tuple[str, str | None]] = []
        waarden: list[Waardeinvoer] = []
        for index, item in enumerate(self._lijst(obj.get("betrokkenen"), "betrokkenen", MAX_BETROKKENEN)):
            plaats = f"betrokkenen[{index}]"
            betrokkene = self._object(item, plaats, {"rol"}, {"relatie", "velden"})
            if betrokkene is None:
                continue
            rol = self._tekst(betrokkene.get("rol"), f"{plaats}.rol", 40)
            relatie = betrokkene.get("relatie")
            if relatie is not None:
                relatie = self._tekst(relatie, f"{plaats}.relatie", 40)
            betrokkenen.append((rol or "", relatie))
            waarden += self._velden(betrokkene.get("velden", {}), f"{plaats}.velden", index)
        waarden += self._velden(obj.get("velden", {}), "velden", None)
        historie = [
            stap
            for index, item in enumerate(self._lijst(obj.get("historie", []), "historie", MAX_HISTORIE))
            if (stap := self._stap(item, f"historie[{index}]")) is not None
        ]
        if self.problemen or aanmelder is None or aangemeld_op is None:
            return None
        return Casusinvoer(
            regel=regel,
            extern_id=extern_id or "",
            casustype=casustype or "",
            gemeente=gemeente or "",
            onderwerp=onderwerp or "",
            nevenonderwerpen=nevenonderwerpen,
            aanmelder=aanmelder,
            aangemeld_op=aangemeld_op,
            betrokkenen=tuple(betrokkenen),
            waarden=tuple(waarden),
            historie=tuple(historie),
            inhoud=canoniek(document),
        )

    def _velden(self, value: object, waar: str, betrokkene: int | None) -> list[Waardeinvoer]:
        velden = self._object(value, waar, set(), None)
        out: list[Waardeinvoer] = []
        for veld, item in (velden or {}).items():
            if _naam(veld) != veld:
                self._probleem(waar, "a key here is the name of a veld of the veldcatalogus")
                continue
            plaats = f"{waar}.{veld}"
            waarde = self._object(item, plaats, {"waarde", "bron"}, {"op"})
            if waarde is None:
                continue
            bron = self._tekst(waarde.get("bron"), f"{plaats}.bron", 80)
            op = self._moment(waarde["op"], f"{plaats}.op") if "op" in waarde else None
            if waarde.get("waarde") is None:
                self._probleem(f"{plaats}.waarde", "required, not null (leave out a veld without a value)")
            if bron is not None:
                out.append(Waardeinvoer(waar, betrokkene, veld, waarde.get("waarde"), bron, op))
        return out

    def _stap(self, value: object, plaats: str) -> Stapinvoer | None:
        if not isinstance(value, dict):
            self._probleem(plaats, "expected an object")
            return None
        handeling = value.get("handeling")
        if not isinstance(handeling, str) or handeling not in STAPPEN:
            self._probleem(f"{plaats}.handeling", f"must be one of: {', '.join(STAPPEN)}")
            return None
        verplicht, optioneel = STAPPEN[handeling]
        stap = self._object(value, plaats, _STAP_ALTIJD | verplicht, _STAP_OPTIONEEL | optioneel)
        if stap is None:
            return None
        op = self._moment(stap.get("op"), f"{plaats}.op")
        door = None
        if "door" in stap:
            gegeven = self._object(stap["door"], f"{plaats}.door", {"partner", "rol"}, set())
            door = self._partnerrol(gegeven, f"{plaats}.door") if gegeven is not None else None
        toelichting = stap.get("toelichting")
        if toelichting is not None and not (isinstance(toelichting, str) and len(toelichting) <= MAX_TEKST):
            self._probleem(f"{plaats}.toelichting", f"a string of at most {MAX_TEKST} characters")
            toelichting = None
        gegevens = {k: v for k, v in stap.items() if k in verplicht | optioneel}
        for sleutel, waarde in gegevens.items():
            soort = _GEGEVENS.get(sleutel, _is_tekst)
            if not soort(waarde):
                self._probleem(f"{plaats}.{sleutel}", _GEGEVENS_REDEN.get(sleutel, "a string of at most 80 characters"))
        if op is None:
            return None
        return Stapinvoer(plaats, handeling, op, door, toelichting, gegevens)

    def _partnerrol(self, obj: Mapping[str, Any], plaats: str) -> Partnerrol | None:
        partner = self._tekst(obj.get("partner"), f"{plaats}.partner", 80)
        rol = self._tekst(obj.get("rol"), f"{plaats}.rol", 40)
        return Partnerrol(partner, rol) if partner is not None and rol is not None else None

    def _object(
        self, value: object, plaats: str, verplicht: Sleutels, optioneel: Sleutels | None
    ) -> dict[str, Any] | None:
        """`value` as an object with every `verplicht` key and no key outside both sets (`optioneel` None: any
        keys, as the veld names of `velden`)."""
        if not isinstance(value, dict):
            self._probleem(plaats, "expected an object")
            return None
        for sleutel in sorted(verplicht - value.keys()):
            self._probleem(_onder(plaats, sleutel), "required")
        if optioneel is not None:
            for sleutel in sorted(value.keys() - verplicht - optioneel):
                self._probleem(_onder(plaats, _naam(sleutel)), "unknown key")
        return value

    def _lijst(self, value: object, plaats: str, maximum: int) -> list[Any]:
        if not isinstance(value, list):
            self._probleem(plaats, "expected a list")
            return []
        if len(value) > maximum:
            self._probleem(plaats, f"at most {maximum} items")
            return []
        return value

    def _tekst(self, value: object, plaats: str, maximum: int) -> str | None:
        if not isinstance(value, str) or not value.strip() or len(value) > maximum or _CONTROL.search(value):
            self._probleem(plaats, f"a non-empty string of at most {maximum} characters, without control characters")
            return None
        return value

    def _moment(self, value: object, plaats: str) -> dt.datetime | None:
        moment = None
        if isinstance(value, str) and "T" in value and len(value) <= 40:
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                moment = None
        if moment is None or moment.tzinfo is None:
            self._probleem(plaats, "a date-time with its offset, as 2025-04-01T09:30:00+02:00 or ...Z (RFC 3339)")
            return None
        return moment.astimezone(dt.UTC)

    def _probleem(self, plaats: str, reden: str) -> None:
        self.problemen.append((plaats, reden))


def _onder(plaats: str, sleutel: str) -> str:
    return f"{plaats}.{sleutel}" if plaats else sleutel


def _naam(sleutel: str) -> str:
    """An unknown key as a place: itself when it is short and printable (a key is a name, not a value), else a
    placeholder, so that a value written where a key belongs is never echoed."""
    return sleutel if _NAAM.fullmatch(sleutel) else "(a key)"


def _is_tekst(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 80 and not _CONTROL.search(value)


def _is_prioriteit(value: object) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


_GEGEVENS: Mapping[str, Callable[[object], bool]] = {"prioriteit": _is_prioriteit}
_GEGEVENS_REDEN: Mapping[str, str] = {"prioriteit": "a whole number, or null to clear it"}
