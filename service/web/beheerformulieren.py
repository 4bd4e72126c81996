"""The beheer forms, read into the inputs of the beheer use cases; what is wrong is collected, never raised.

A form is read into a `Formulier` (its kept input, its problems and how the service layer's names map to places
on the page) and, when it could be read, the use case's input. Checks here are only about the form itself
(sizes, encoding, choices); whether the policy is valid is the service layer's question, answered with every
problem at once.

Invariants:
- Every value is read from a named form field; nothing is set on an object from the request as a whole.
- Sizes are bounded before anything is parsed: a file over `MAX_BESTAND` bytes is not read further, a text field
  over `MAX_REGELS` lines or a line over `MAX_TEKENS` characters is refused (the whole request is already bounded
  by `DEELPOORT_MAX_BODY_BYTES`).
- A problem names its place as the beheerder sees it: the uploaded file and line ("zvh-drenthe.csv:12") or the
  text field and line ("Toevoegen, regel 3").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import FileStorage

from service.domain.errors import OngeldigeInvoerError
from service.meldingen import beheer as meldingen
from service.service_layer.beheer.stap import MAX_TOELICHTING
from service.service_layer.beleid.invoer import MAX_BESTANDEN, Bestand, Toevoeging, Wijziging

MAX_BESTAND = 512 * 1024  # bytes per uploaded policy file
MAX_REGELS = 5000  # lines per text field of a change
MAX_TEKENS = 1000  # characters per line
ACTIES = {"schorsen": False, "herstellen": True}  # -> the partner's `actief` after approval
_VERSIE = re.compile(r"[0-9a-f]{64}")


@dataclass
class Formulier:
    """One submitted form: which one (`soort`), its input to show again, its problems (place, Dutch reason)."""

    soort: str  # "wijziging", "bestanden", "terugzetten", "partner", "vernietiging"; "" for none
    waarden: dict[str, str]
    problemen: list[tuple[str, str]] = field(default_factory=list)
    melding: str | None = None  # one message for the whole form (a conflict, a refusal)
    plaatsen: dict[str, str] = field(default_factory=dict)  # service-layer name -> place on the page

    @classmethod
    def leeg(cls, soort: str = "") -> Formulier:
        return cls(soort, {})

    @property
    def toelichting(self) -> str:
        return self.waarden.get("toelichting", "").strip()

    def vertaal(self, problemen: Iterable[tuple[str, str]]) -> None:
        """Add the service layer's problems, each named by its place on the page, in Dutch, without repeats, in
        the order of their places (file, then line number)."""
        found = [(meldingen.naam(self.plaatsen.get(name, name)), meldingen.reden(reason)) for name, reason in problemen]
        for entry in sorted(found, key=lambda e: _volgorde(e[0])):
            if entry not in self.problemen:
                self.problemen.append(entry)

    def fout(self, exc: OngeldigeInvoerError) -> None:
        self.vertaal(exc.problemen)

    def toelichting_ontbreekt(self) -> bool:
        """Whether the toelichting is missing or too long (then noted as the form's first problem)."""
        if self.toelichting and len(self.toelichting) <= MAX_TOELICHTING:
            return False
        self.problemen.insert(0, ("Toelichting", f"verplicht, hoogstens {MAX_TOELICHTING} tekens"))
        return True


def _volgorde(place: str) -> list[tuple[int, str]]:
    """Sort key of a place: "zvh.csv:9" before "zvh.csv:10" (numbers compared as numbers)."""
    return [(int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", place)]


def _kept(form: Mapping[str, str], *names: str) -> dict[str, str]:
    return {name: str(form.get(name, "")) for name in names}


def wijziging_uit(form: Mapping[str, str]) -> tuple[Formulier, Wijziging | None]:
    """A change to the active version: a file name and lines to add, lines to remove (one per line)."""
    formulier = Formulier("wijziging", _kept(form, "toelichting", "bestand", "toevoegen", "verwijderen"))
    bestand = formulier.waarden["bestand"].strip()
    toevoegen = _regels(formulier, "toevoegen", "Toevoegen")
    verwijderen = _regels(formulier, "verwijderen", "Verwijderen")
    for index in range(len(toevoegen)):
        formulier.plaatsen[f"wijziging.toevoegen[{index}].bestand"] = "Bestand"
    if formulier.problemen:
        return formulier, None
    return formulier, Wijziging(tuple(Toevoeging(bestand, regel) for regel in toevoegen), tuple(verwijderen))


def _regels(formulier: Formulier, name: str, label: str) -> list[str]:
    """The policy lines of a text field (blank lines and # comments skipped), each mapped to its line number."""
    out: list[str] = []
    lines = formulier.waarden[name].splitlines()
    if len(lines) > MAX_REGELS:
        formulier.problemen.append((label, f"hoogstens {MAX_REGELS} regels"))
        return out
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if len(text) > MAX_TEKENS:
            formulier.problemen.append((f"{label}, regel {number}", f"hoogstens {MAX_TEKENS} tekens"))
            continue
        formulier.plaatsen[f"wijziging.{name}[{len(out)}]"] = f"{label}, regel {number}"
        out.append(text)
    return out


def bestanden_uit(form: Mapping[str, str], files: list[FileStorage]) -> tuple[Formulier, list[Bestand] | None]:
    """A complete set of policy files, uploaded (multipart): each file bounded in size and read as UTF-8."""
    formulier = Formulier("bestanden", _kept(form, "toelichting"))
    chosen = [f for f in files if f.filename]
    if not chosen:
        formulier.problemen.append(("Bestanden", "kies minstens één beleidsbestand (.csv)"))
    elif len(chosen) > MAX_BESTANDEN:
        formulier.problemen.append(("Bestanden", f"hoogstens {MAX_BESTANDEN} bestanden"))
        chosen = []
    bestanden = []
    for index, upload in enumerate(chosen):
        naam = _bestandsnaam(upload.filename or "")
        formulier.plaatsen[f"bestanden[{index}].naam"] = naam
        data = upload.stream.read(MAX_BESTAND + 1)
        if len(data) > MAX_BESTAND:
            formulier.problemen.append((naam, f"te groot: hoogstens {MAX_BESTAND // 1024} kB per bestand"))
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            formulier.problemen.append((naam, "geen tekst in UTF-8: sla het bestand op als CSV (UTF-8)"))
            continue
        bestanden.append(Bestand(naam, text))
    formulier.waarden["gekozen"] = ", ".join(b.naam for b in bestanden)
    return formulier, (bestanden if not formulier.problemen else None)


def _bestandsnaam(filename: str) -> str:
    """The file's own name: a browser may send a path (older ones did); the name is checked by the service layer."""
    return re.split(r"[\\/]", filename)[-1][:100]


def terugzetten_uit(form: Mapping[str, str]) -> tuple[Formulier, str | None]:
    """An older stored version proposed again (rollback)."""
    formulier = Formulier("terugzetten", _kept(form, "toelichting", "versie"))
    versie = formulier.waarden["versie"].strip()
    if not _VERSIE.fullmatch(versie):
        formulier.problemen.append(("Versie", "geen geldige beleidsversie"))
        return formulier, None
    return formulier, versie


def vernietiging_uit(form: Mapping[str, str]) -> tuple[Formulier, str | None]:
    """Destroy one casus early: its id (32 hex characters, as the casus lists show it)."""
    formulier = Formulier("vernietiging", _kept(form, "toelichting", "casus"))
    casus = formulier.waarden["casus"].strip().lower()[:64]
    if not casus:
        formulier.problemen.append(("Casus", "vul het kenmerk van de casus in"))
        return formulier, None
    return formulier, casus


def partnerwijziging_uit(form: Mapping[str, str]) -> tuple[Formulier, tuple[str, bool] | None]:
    """Suspend a partner, or lift its suspension: (partner id, its `actief` after approval)."""
    formulier = Formulier("partner", _kept(form, "toelichting", "partner", "actie"))
    partner = formulier.waarden["partner"].strip()[:80]
    actie = formulier.waarden["actie"]
    if not partner:
        formulier.problemen.append(("Partner", "kies een partner"))
    if actie not in ACTIES:
        formulier.problemen.append(("Actie", "kies schorsen of herstellen"))
    if formulier.problemen:
        return formulier, None
    return formulier, (partner, ACTIES[actie])


# The parts of a policy line the no-JavaScript picker composes, in the line's order (`samengesteld`).
SAMENSTELLING = ("subject", "rol", "casustype", "doel", "object", "grondslag", "effect")


def samengesteld(form: Mapping[str, str], codes: Mapping[str, Mapping[str, str]]) -> Formulier:
    """The change form again, with one policy line composed from the picker's choices appended to its
    "Toevoegen" lines (nothing is proposed: the beheerder reads the line, then proposes with a toelichting).

    `codes` maps each part of `SAMENSTELLING` to the codes that exist for it (code -> name); a part not chosen,
    or a code that does not exist, is a problem named by its part and nothing is appended.
    """
    formulier = Formulier("wijziging", _kept(form, "toelichting", "bestand", "toevoegen", "verwijderen"))
    gekozen = []
    for deel in SAMENSTELLING:
        waarde = str(form.get(f"kies-{deel}", "")).strip()
        if waarde not in codes[deel]:
            formulier.problemen.append((f"Regel samenstellen: {deel}", "kies een code die bestaat"))
        gekozen.append(waarde)
    if formulier.problemen:
        formulier.melding = "Er is geen regel toegevoegd."
        return formulier
    regel = ", ".join(("p", *gekozen))
    bestaand = formulier.waarden["toevoegen"].rstrip("\n")
    formulier.waarden["toevoegen"] = f"{bestaand}\n{regel}" if bestaand else regel
    formulier.melding = None
    return formulier
