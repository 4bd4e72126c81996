"""Dutch for what the `deelpoort` commands pass on from the service layer besides configuration problems
(`service.meldingen.configuratie`) and the log's problems (`service.meldingen.logboek`): refusals (`fout`),
import refusals (`importreden`) and the backup manifest's journal state (`journaalstaat`).

Invariants:
- Never raises and never drops a text: a refusal no pattern knows is said as its kind with the English detail
  after it; a reason no pattern knows is returned as it is (it names the rule it broke).
- Only the words change: every number, id, setting, path and quoted value of the English is in the Dutch.
"""

from __future__ import annotations

from service.domain.errors import (
    CasusVernietigdError,
    ConflictError,
    DeelpoortError,
    NietBeschikbaarError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.meldingen import beheer, configuratie
from service.meldingen.logboek import logprobleem
from service.meldingen.patronen import tabel as _tabel
from service.meldingen.patronen import vertaal as _vertaal

# Refusals the commands meet that the beheer pages do not (backup, restore, keys, a casus by id).
_WEIGERINGEN = _tabel(
    (r"no such (\w+)(?: for this partner| of this partner| in this casus)?", r"er is geen \1 met dit kenmerk"),
    (
        r"a restore is in progress \(herstel bezig\): finish it before making a backup",
        "er loopt een herstel (herstel bezig): maak dat eerst af voordat u een back-up maakt",
    ),
    (r"(.*) holds no (.*): not a Deelpoort backup", r"\1 bevat geen \2: geen back-up van Deelpoort"),
    (r"(.*) is not a Deelpoort backup manifest", r"\1 is geen manifest van een Deelpoort-back-up"),
    (r"unknown backup formaat (.*)", r"onbekend formaat van de back-up: \1"),
    (r"the backup's file (.*) is missing", r"het bestand \1 van de back-up ontbreekt"),
    (
        r"the backup's file (.*) does not match its SHA-256 in the manifest \(damaged\)",
        r"het bestand \1 van de back-up klopt niet met zijn SHA-256 in het manifest (beschadigd)",
    ),
    (
        r"the backup is of a (.*) database; the configured one is (.*)",
        r"de back-up is van een \1-database; de ingestelde is \2",
    ),
    (
        r"the backup has schema revision (.*), this version of Deelpoort (.*): restore it with the version that made "
        r"it, then upgrade",
        r"de back-up heeft schemarevisie \1, deze versie van Deelpoort \2: zet hem terug met de versie die hem maakte "
        r"en werk daarna bij",
    ),
    (
        r"the configured database is not empty: give --vervang to replace its contents",
        "de ingestelde database is niet leeg: geef --vervang om de inhoud te vervangen",
    ),
    (r"the receipt (.*) cannot be read as JSON \((.*)\)", r"het ontvangstbewijs \1 is geen leesbare JSON (\2)"),
    (r"the receipt (.*) is not a JSON object", r"het ontvangstbewijs \1 is geen JSON-object"),
    (
        r"the restored log does not verify \((.*)\); the database stays marked herstel bezig",
        lambda m: (
            f"het teruggezette logboek klopt niet ({logprobleem(m[1])}); de database blijft gemarkeerd als "
            "'herstel bezig'"
        ),
    ),
    (
        r"(.*) \(the database is marked herstel bezig: run the restore again\)",
        lambda m: f"{fouttekst(m[1])} (de database is gemarkeerd als 'herstel bezig': voer het herstel opnieuw uit)",
    ),
    (
        r"(\d+) data key\(s\) could not be rewrapped; is another rotation running\?",
        r"\1 datasleutel(s) konden niet opnieuw verpakt worden; loopt er nog een rotatie?",
    ),
    (r"KEK version (\d+) of (\w+) is the primary version", r"KEK-versie \1 van \2 is de primaire versie"),
    (
        r"(\d+) data key\(s\) of (\w+) are still wrapped under KEK version (\d+); run `deelpoort keys rotate "
        r"--rewrap-only` first",
        r"\1 datasleutel(s) van \2 zijn nog verpakt onder KEK-versie \3; voer eerst `deelpoort keys rotate "
        r"--rewrap-only` uit",
    ),
    (
        r"the KEKs are not in a PKCS#11 token: set DEELPOORT_SLEUTELS=pkcs11",
        "de KEK's staan niet in een PKCS#11-token: stel DEELPOORT_SLEUTELS=pkcs11 in",
    ),
    (
        r"KEK version (\d+) of (\w+) is in the secrets file, not in the token: remove the file's KEKs with "
        r"`deelpoort keys migratie-afronden`",
        r"KEK-versie \1 van \2 staat in het geheimenbestand, niet in het token: verwijder de KEK's uit het bestand "
        r"met `deelpoort keys migratie-afronden`",
    ),
    (
        r"(\d+) data key\(s\) of (\w+) are still wrapped under KEK version (\d+) of the secrets file; run (`.*`)(.*)",
        r"\1 datasleutel(s) van \2 zijn nog verpakt onder KEK-versie \3 van het geheimenbestand; voer \4 uit\5",
    ),
    (r"no field policy is active: nothing to export", "er is geen actief veldbeleid: er valt niets te exporteren"),
    (
        r"the convenant version in force is missing or altered",
        "de convenantversie die in werking is ontbreekt of is veranderd",
    ),
    (
        r"the exported files do not (?:read back|load) as the (?:version in force|active version)",
        "de geëxporteerde bestanden lezen niet terug als de versie die in werking is",
    ),
)

# A sentence of each kind of refusal, for a text no table knows (its English detail follows it).
_SOORTEN: tuple[tuple[type[DeelpoortError], str], ...] = (
    (OngeldigeInvoerError, "ongeldige invoer"),
    (NietToegestaanError, "niet toegestaan"),
    (NietGevondenError, "niet gevonden"),
    (CasusVernietigdError, "de gegevens van deze casus zijn vernietigd"),
    (NietBeschikbaarError, "nu niet beschikbaar"),
    (ConflictError, "past niet bij de huidige toestand; er is niets veranderd"),
)


def fout(exc: DeelpoortError) -> str:
    """A refusal of the service layer as a command says it (after "deelpoort: "): validation problems as
    "place: reason; ...", a known refusal in the pages' words, an unknown one as its kind with the detail."""
    if isinstance(exc, OngeldigeInvoerError) and exc.problemen:
        return "; ".join(f"{naam}: {reden}" for naam, reden in beheer.problemen(exc))
    tekst = str(exc)
    bekend = fouttekst(tekst)
    if bekend != tekst:
        return bekend
    if isinstance(exc, NietToegestaanError):
        return beheer.eerste(beheer.VERBODEN, tekst, _soort(exc, tekst))
    if isinstance(exc, ConflictError):
        return beheer.eerste(beheer.CONFLICTEN, tekst, _soort(exc, tekst))
    return _soort(exc, tekst)


def fouttekst(tekst: str) -> str:
    """A refusal's text in Dutch when a table knows it (a configuration problem's too), else unchanged."""
    return _vertaal(_WEIGERINGEN, tekst) or configuratie.bekend(tekst) or tekst


def _soort(exc: DeelpoortError, tekst: str) -> str:
    soort = next((dutch for kind, dutch in _SOORTEN if isinstance(exc, kind)), "geweigerd")
    return f"{soort} ({tekst})"


_IMPORTREDENEN = _tabel(
    (r"the file holds no casus", "het bestand bevat geen casus"),
    (r"not valid JSON", "geen geldige JSON"),
    (r"not a valid BSN", "geen geldig BSN"),
    (r"unknown gemeente", "onbekende gemeente"),
    (r"required", "verplicht"),
    (r"unknown field", "onbekend veld"),
    (r"not a valid date(?:time)?\.?", "geen geldige datum"),
    (r"must be one of (.*)", r"moet een van \1 zijn"),
)


def importreden(text: str) -> str:
    """Why an import line is refused, in Dutch where the reason is known (else as it is: it names its rule)."""
    return _vertaal(_IMPORTREDENEN, text) or configuratie.reden(text)


_JOURNAALSTAAT = _tabel(
    (r"not set up \((.*)\)", r"niet ingesteld (\1)"),
    (r"NOT USABLE: (.*)", r"NIET BRUIKBAAR: \1"),
    (
        r"intact, (\d+) line\(s\), (\d+) written from the log now",
        r"intact, \1 regel(s), waarvan \2 nu uit het logboek geschreven",
    ),
    (r"intact, (\d+) line\(s\)", r"intact, \1 regel(s)"),
)


def journaalstaat(text: str) -> str:
    """The destruction journal's state as the backup manifest records it (in English, as data), in Dutch."""
    return _vertaal(_JOURNAALSTAAT, text) or text
