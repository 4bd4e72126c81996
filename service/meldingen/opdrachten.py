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


# The json module's reasons for a line that is not JSON.
_JSON: dict[str, str] = {
    "Expecting value": "waarde verwacht",
    "Extra data": "extra gegevens na het object",
    "Expecting property name enclosed in double quotes": "sleutel tussen dubbele aanhalingstekens verwacht",
    "Expecting ',' delimiter": "komma verwacht",
    "Expecting ':' delimiter": "dubbele punt verwacht",
    "Unterminated string starting at": "tekst zonder einde",
    "Invalid control character at": "ongeldig stuurteken",
    "NaN and Infinity are not JSON numbers": "NaN en Infinity zijn geen JSON-getallen",
}

_IMPORTREDENEN = _tabel(
    (r"the file holds no casus", "het bestand bevat geen casus"),
    (r"not valid JSON: (.*)", lambda m: f"geen geldige JSON: {_JSON.get(m[1], m[1])}"),
    (r"not valid JSON", "geen geldige JSON"),
    (r"not UTF-8", "geen UTF-8"),
    (r"not a casus", "geen casus"),
    (r"the line is larger than (\d+) bytes", r"de regel is groter dan \1 bytes"),
    (r"a key appears twice in one object", "een sleutel komt twee keer voor in één object"),
    (
        r"a key here is the name of a veld of the veldcatalogus",
        "een sleutel is hier de naam van een veld uit de veldcatalogus",
    ),
    (r"not a valid BSN", "geen geldig BSN"),
    (
        r"not a valid BSN \(nine digits passing the eleven-test\)",
        "geen geldig BSN (negen cijfers die de elfproef halen)",
    ),
    (r"unknown gemeente", "onbekende gemeente"),
    (r"unknown partner", "onbekende partner"),
    (r"unknown key", "onbekende sleutel"),
    (
        r"required, not null \(leave out a veld without a value\)",
        "verplicht, niet null (laat een veld zonder waarde weg)",
    ),
    (r"required", "verplicht"),
    (r"expected a list", "een lijst verwacht"),
    (r"expected an object", "een object verwacht"),
    (r"must be one of: (.*)", r"moet een van deze zijn: \1"),
    (
        r"must be (\S+) \(the version of docs/import\.md this line follows\)",
        r"moet \1 zijn (de versie van docs/import.md die deze regel volgt)",
    ),
    (r"must lie in the past", "moet in het verleden liggen"),
    (
        r"a date-time with its offset, as (.*) \(RFC 3339\)",
        r"een datum en tijd met de afwijking van UTC, als \1 (RFC 3339)",
    ),
    (
        r"a non-empty string of at most (\d+) characters, without control characters",
        r"een niet-lege tekst van hoogstens \1 tekens, zonder stuurtekens",
    ),
    (r"a string of at most (\d+) characters", r"een tekst van hoogstens \1 tekens"),
    (r"a whole number, or null to clear it", "een geheel getal, of null om het te wissen"),
    (r"at most (\d+) items", r"hoogstens \1 elementen"),
    (r"between (\d+) and (\d+) betrokkenen", r"tussen \1 en \2 betrokkenen"),
    (r"between (\d+) and (\d+)", r"tussen \1 en \2"),
    (r"before the aanmelding", "vóór de aanmelding"),
    (r"before the aanmelding or the step before it", "vóór de aanmelding of de stap ervoor"),
    (r"exactly one betrokkene must have rol hoofdpersoon", "precies één betrokkene moet de rol hoofdpersoon hebben"),
    (
        r"filled in by the afsluiting \(from its uitkomst\), never supplied",
        "wordt door de afsluiting ingevuld (uit haar uitkomst), nooit aangeleverd",
    ),
    (
        r"does not hold the regie of the casus: only the regie takes this step",
        "heeft de regie van de casus niet: alleen de regie zet deze stap",
    ),
    (
        r"does not take part in the casus at that moment(, in a rol of a casus)?",
        lambda m: "neemt op dat moment niet deel aan de casus" + (", in een rol van een casus" if m[1] else ""),
    ),
    (r"this partner already takes part in the casus", "deze partner neemt al deel aan de casus"),
    (r"this partner does not take part in the casus", "deze partner neemt niet deel aan de casus"),
    (
        r"this partner takes part by right and cannot be removed",
        "deze partner neemt van rechtswege deel en kan niet verwijderd worden",
    ),
    (
        r"the casus was closed at that moment: nothing is supplied to it",
        "de casus was op dat moment afgesloten: er wordt niets aan aangeleverd",
    ),
    (
        r"the bewaartermijn \((.*) from the afsluiting\) has ended: destroy it, do not import it",
        r"de bewaartermijn (\1 na de afsluiting) is verstreken: vernietig de casus, importeer hem niet",
    ),
    (
        r"the bronregels do not let this bron, in its rol in the casus, supply this veld \(doel (.*)\)",
        r"de bronregels laten deze bron, in haar rol in de casus, dit veld niet aanleveren (doel \1)",
    ),
    (
        r"the register of verwerkingsactiviteiten permits no (\S+) in fase (\S+) on that day",
        r"het register van verwerkingsactiviteiten staat op die dag geen \1 toe in fase \2",
    ),
    (
        r"the register permits no aanmelding of this casustype on that day",
        "het register staat op die dag geen aanmelding van dit casustype toe",
    ),
    (
        r"uitkomst overgedragen names the partner or region it was transferred to",
        "uitkomst overgedragen noemt de partner of regio waaraan de casus is overgedragen",
    ),
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
