"""Dutch for configuration problems as the commands report them (`service_layer.installatie.configuratiefout`):
settings, key material (also a PKCS#11 token's), the database schema, policy and convenant files.

Invariants:
- Never raises and never drops a text: a line no pattern knows gets "de configuratie is niet in orde: " in front
  of its English, which names the setting, file or key to fix.
- Only the words change: every setting, path, number and quoted value of the English is in the Dutch.
"""

from __future__ import annotations

import re

from service.meldingen import beheer
from service.meldingen.patronen import tabel as _tabel
from service.meldingen.patronen import vertaal as _vertaal

# The operating system's reasons (`strerror`) a file cannot be read for.
_OS = {
    "No such file or directory": "bestaat niet",
    "Permission denied": "geen toegang",
    "Is a directory": "is een map",
    "Not a directory": "is geen map",
    "File exists": "bestaat al",
    "Read-only file system": "alleen-lezen bestandssysteem",
    "No space left on device": "geen ruimte meer op het apparaat",
}

_SOORTEN_WAARDE = {
    "string": "tekst",
    "integer": "geheel getal",
    "number": "getal",
    "boolean": "waarheidswaarde (true/false)",
    "list": "lijst",
    "mapping": "mapping",
    "date": "datum",
    "datetime": "datum en tijd",
    "email address": "e-mailadres",
    "URL": "URL",
}


def _of(opties: str) -> str:
    return opties.replace(" or ", " of ").replace(", not both", ", niet allebei")


# A value's or a key's reason, after its place ("DEELPOORT_X: ...", "kek.regulier.primary: ...").
_REDENEN = _tabel(
    # marshmallow's, for a convenant or set-up file's entry
    (r"Missing data for required field\.", "verplicht, maar ontbreekt."),
    (r"Unknown field\.", "onbekend veld."),
    (r"Field may not be null\.", "mag niet leeg zijn."),
    (
        r"Not a valid (string|integer|number|boolean|list|mapping|date|datetime|email address|URL)\.",
        lambda m: f"geen geldige {_SOORTEN_WAARDE[m[1]]}.",
    ),
    (r"Must be one of: (.*)\.", r"moet een van deze zijn: \1."),
    (r"Length must be between (\d+) and (\d+)\.", r"lengte moet tussen \1 en \2 liggen."),
    (r"Shorter than minimum length (\d+)\.", r"korter dan de minimumlengte \1."),
    (r"Longer than maximum length (\d+)\.", r"langer dan de maximumlengte \1."),
    (r"String does not match expected pattern\.", "past niet bij het verwachte patroon."),
    (r"must be a whole number", "moet een geheel getal zijn"),
    (r"must be positive", "moet positief zijn"),
    (r"must not be empty", "mag niet leeg zijn"),
    (r"must be (\d+) bytes, is (\d+)", r"moet \1 bytes zijn, is \2"),
    (r"must be (.*)", lambda m: f"moet {_of(m[1])} zijn"),
    (
        r"'(.*)' is not an IP address or a network with its host bits clear \(e\.g\. (.*)\)",
        r"'\1' is geen IP-adres of netwerk met de hostbits op nul (bijvoorbeeld \2)",
    ),
    (r"missing", "ontbreekt"),
    (r"missing or not a string", "ontbreekt of is geen tekst"),
    (r"missing or not a version number", "ontbreekt of is geen versienummer"),
    (r"missing or not (.*)", r"ontbreekt of is niet \1"),  # after the particular ones: the first match wins
    (r"not a base64 string", "geen base64-tekst"),
    (r"not valid base64", "geen geldige base64"),
    (r"not an object", "geen object"),
    (r"same key as (.*); every key must be distinct", r"dezelfde sleutel als \1; elke sleutel moet anders zijn"),
    (r"unknown entry (.*) \(known: (.*)\)", r"onbekend onderdeel \1 (bekend: \2)"),
    (r"unknown entry (.*)", r"onbekend onderdeel \1"),
    (r"unknown regime (.*)", r"onbekend regime \1"),
    (r"not valid JSON \((.*)\)", r"geen geldige JSON (\1)"),
    (r"cannot be read \((.*)\)", lambda m: f"kan niet gelezen worden ({_OS.get(m[1], m[1])})"),
    (r"cannot be read", "kan niet gelezen worden"),
    (r"empty", "leeg"),
    (r"no KEK versions(?: left)?", "geen KEK-versies"),
    (r"no such version", "deze versie bestaat niet"),
    (r"is the primary version and cannot be retired", "is de primaire versie en kan niet uit gebruik"),
    (r"version (.*) is not in (.*)", r"versie \1 staat niet in \2"),
    (r"(.*) is not a version number \(1, 2, \.\.\.\)", r"\1 is geen versienummer (1, 2, ...)"),
    (r"version (.*) is not an integer >= 1", r"versie \1 is geen geheel getal >= 1"),
    (r"a KEK is 32 bytes", "een KEK is 32 bytes"),
    (r"not one of the KEK versions", "geen van de KEK-versies"),
    (
        r"the key material has no KEKs \(they are in a PKCS#11 token\)",
        "het sleutelmateriaal heeft geen KEK's (die staan in een PKCS#11-token)",
    ),
    (r"development keys, which production refuses", "ontwikkelsleutels, die productie weigert"),
    (r"key material in keys/, which production refuses", "sleutelmateriaal in keys/, dat productie weigert"),
    (r"no user PIN given", "geen gebruikers-PIN gegeven"),
    (
        r"no KEK for regime (\w+) \(expected a key labelled (\S+) or higher; run `deelpoort keys pkcs11-init`\)",
        r"geen KEK voor regime \1 (verwacht een sleutel met label \2 of hoger; voer `deelpoort keys pkcs11-init` uit)",
    ),
    (r"no KEK for regime (\w+)", r"geen KEK voor regime \1"),
    (r"version (\d+) is the primary version", r"versie \1 is de primaire versie"),
    (
        r"version (\d+) is both in the secrets file and in the token",
        r"versie \1 staat zowel in het geheimenbestand als in het token",
    ),
    (r"(.*) exists already", r"\1 bestaat al"),
    (r"there is no (.*)", r"\1 bestaat niet"),
    (r"not found in (.*) \(is the token initialised\?\)", r"niet gevonden in \1 (is het token geïnitialiseerd?)"),
    (r"more than one token has this label", "meer dan één token heeft dit label"),
    (r"the user PIN is wrong", "de gebruikers-PIN is onjuist"),
    (r"the user PIN is locked \(too many wrong attempts\)", "de gebruikers-PIN is geblokkeerd (te veel pogingen)"),
    (r"cannot log in \((.*)\)", r"inloggen lukt niet (\1)"),
    (r"cannot be loaded", "kan niet geladen worden"),
    (r"not a KEK label \((.*)\)", r"geen KEK-label (\1)"),
    (
        r"the module path and the token label are required",
        "het pad van de module en het label van het token zijn nodig",
    ),
)


def reden(text: str) -> str:
    """A reason after its place in Dutch: a key's or a value's, else the policy's (`beheer.reden`)."""
    return _vertaal(_REDENEN, text) or beheer.reden(text)


def _plaats_en_reden(found: re.Match[str]) -> str:
    return f"{found[1]}: {reden(found[2])}"


_SLEUTELMATERIAAL = _tabel(
    (r"no keys: set (\w+) or (\w+)", r"geen sleutels: stel \1 of \2 in"),
    (r"set (\w+) or (\w+), not both", r"stel \1 of \2 in, niet allebei"),
    (
        r"production key material is never written into keys/ \(development keys only\)",
        "sleutelmateriaal voor productie wordt nooit in keys/ geschreven (alleen ontwikkelsleutels)",
    ),
    (
        r"key file (.*): cannot be read \((.*)\)",
        lambda m: f"sleutelbestand {m[1]}: kan niet gelezen worden ({_OS.get(m[2], m[2])})",
    ),
    (r"key material: unknown entry (.*)", r"sleutelmateriaal: onbekend onderdeel \1"),
    (r"PKCS#11: (.*)", lambda m: f"PKCS#11: {reden(m[1])}"),
    (r"(.+?): (.*)", _plaats_en_reden),
)


def sleutelmateriaal(text: str) -> str:
    """A key material problem (`KeyMaterialError`) in Dutch; its place (file, entry, token) kept."""
    return _vertaal(_SLEUTELMATERIAAL, text) or text


_CONFIGURATIE = _tabel(
    (
        r"production needs key material: set DEELPOORT_KEYS_FILE \(a secrets file\) or DEELPOORT_KEYS_JSON",
        "productie heeft sleutelmateriaal nodig: stel DEELPOORT_KEYS_FILE (een geheimenbestand) of "
        "DEELPOORT_KEYS_JSON in",
    ),
    (
        r"production refuses key material from keys/ \(development keys only\); point DEELPOORT_KEYS_FILE at a "
        r"secrets file outside the repository",
        "productie weigert sleutelmateriaal uit keys/ (alleen ontwikkelsleutels); laat DEELPOORT_KEYS_FILE naar een "
        "geheimenbestand buiten de repository wijzen",
    ),
    (
        r"production refuses key material marked as development keys",
        "productie weigert sleutelmateriaal dat als ontwikkelsleutels gemarkeerd is",
    ),
    (r"production refuses key material read from keys/", "productie weigert sleutelmateriaal uit keys/"),
    (
        r"production needs DEELPOORT_SECRET_KEY of at least 32 characters",
        "productie heeft een DEELPOORT_SECRET_KEY van minstens 32 tekens nodig",
    ),
    (
        r"production with DEELPOORT_MTLS=verplicht \(its default\) needs DEELPOORT_VERTROUWDE_PROXIES, .*",
        "productie met DEELPOORT_MTLS=verplicht (de standaard) heeft DEELPOORT_VERTROUWDE_PROXIES nodig, het adres van "
        "de TLS-proxy (nginx): zonder wordt geen clientcertificaat geloofd en elk systeem geweigerd (docs/mtls.md)",
    ),
    (
        r"production needs DEELPOORT_VERNIETIGINGSJOURNAAL, .*",
        "productie heeft DEELPOORT_VERNIETIGINGSJOURNAAL nodig, het vernietigingsjournaal buiten de database (een "
        "bestand op andere opslag dan die van de database): een herstel voert de vernietigingen die erin staan opnieuw "
        "uit (docs/backup.md)",
    ),
    (
        r"production with DEELPOORT_SLEUTELS=pkcs11 needs DEELPOORT_PKCS11_MODULE .*",
        "productie met DEELPOORT_SLEUTELS=pkcs11 heeft DEELPOORT_PKCS11_MODULE nodig (de PKCS#11-bibliotheek van "
        "de HSM)",
    ),
    (
        r"DEELPOORT_SLEUTELS=pkcs11 needs DEELPOORT_PKCS11_TOKEN \(the token's label\)",
        "DEELPOORT_SLEUTELS=pkcs11 heeft DEELPOORT_PKCS11_TOKEN nodig (het label van het token)",
    ),
    (
        r"DEELPOORT_SLEUTELS=pkcs11 needs the token's user PIN: .*",
        "DEELPOORT_SLEUTELS=pkcs11 heeft de gebruikers-PIN van het token nodig: stel precies één van "
        "DEELPOORT_PKCS11_PIN_FILE (een bestand dat alleen de dienst kan lezen) en DEELPOORT_PKCS11_PIN in",
    ),
    (
        r"no PKCS#11 user PIN: set DEELPOORT_PKCS11_PIN_FILE or DEELPOORT_PKCS11_PIN",
        "geen PKCS#11-gebruikers-PIN: stel DEELPOORT_PKCS11_PIN_FILE of DEELPOORT_PKCS11_PIN in",
    ),
    (
        r"no key material at (.*): run `deelpoort keys init` \(development only\)",
        r"geen sleutelmateriaal in \1: voer `deelpoort keys init` uit (alleen voor ontwikkeling)",
    ),
    (
        r"key material: the secrets file has no kek section; .*",
        "sleutelmateriaal: het geheimenbestand heeft geen kek-sectie; de KEK's staan dus in een PKCS#11-token: stel "
        "DEELPOORT_SLEUTELS=pkcs11 in (docs/sleutels-hsm.md)",
    ),
    (r"key material: (.*)", lambda m: f"sleutelmateriaal: {sleutelmateriaal(m[1])}"),
    (
        r"the key material holds oidc_client_secrets but DEELPOORT_OIDC_BESTAND is not set",
        "het sleutelmateriaal bevat oidc_client_secrets, maar DEELPOORT_OIDC_BESTAND is niet ingesteld",
    ),
    (
        r"the database schema is at (.*), this release needs (.*): run `deelpoort db upgrade`",
        lambda m: (
            f"het databaseschema staat op {'niets' if m[1] == 'nothing' else m[1]}, deze versie heeft {m[2]} "
            "nodig: voer `deelpoort db upgrade` uit"
        ),
    ),
    (
        r"the database schema is at (.*), which this release does not know .*",
        r"het databaseschema staat op \1, dat deze versie niet kent (een nieuwere versie heeft het bijgewerkt): "
        r"serveer de versie die bij de database past",
    ),
    (
        r"the database is marked herstel bezig: .*",
        "de database is gemarkeerd als 'herstel bezig': een herstel is niet afgerond (voer `deelpoort restore` "
        "opnieuw uit om het af te maken); de dienst start pas als dat gebeurd is",
    ),
    (
        r"the database is not available now; nothing was disclosed; retry later \(is the database reachable and "
        r"writable\?\)",
        "de database is nu niet beschikbaar; er is niets verstrekt; probeer het later opnieuw (is de database "
        "bereikbaar en schrijfbaar?)",
    ),
    (r"unknown setting\(s\): (.*) \(known: (.*)\)", r"onbekende instelling(en): \1 (bekend: \2)"),
    (r"DEELPOORT_MAX_BODY_BYTES must be at least 1024", "DEELPOORT_MAX_BODY_BYTES moet minstens 1024 zijn"),
    (r"DEELPOORT_LOG_LEVEL must be one of (.*)", r"DEELPOORT_LOG_LEVEL moet een van \1 zijn"),
    (
        r"set DEELPOORT_KEYS_FILE or DEELPOORT_KEYS_JSON, not both",
        "stel DEELPOORT_KEYS_FILE of DEELPOORT_KEYS_JSON in, niet allebei",
    ),
    (
        r"DEELPOORT_ROUTEEROVERLEG_BEWAARTERMIJN_WEKEN must cover DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN",
        "DEELPOORT_ROUTEEROVERLEG_BEWAARTERMIJN_WEKEN moet DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN omvatten",
    ),
    (
        r"(DEELPOORT_\w+) must not (?:trust|admit) every address \(a /0 network\)",
        r"\1 mag niet elk adres toelaten (een /0-netwerk)",
    ),
    (r"DEELPOORT_LOG_FORMAAT must be 'json' or 'console'", "DEELPOORT_LOG_FORMAAT moet 'json' of 'console' zijn"),
    (
        r"DEELPOORT_SIGNAAL_KANTOORTIJD must be two hours like 07-19 \(from < to, 0\.\.24\)",
        "DEELPOORT_SIGNAAL_KANTOORTIJD moet twee uren zijn zoals 07-19 (van < tot, 0..24)",
    ),
    (
        r"DEELPOORT_DATABASE_URL is not a database URL .*",
        "DEELPOORT_DATABASE_URL is geen database-URL (verwacht bijvoorbeeld sqlite:///pad of "
        "postgresql+psycopg://gebruiker@host/db)",
    ),
    (
        r"DEELPOORT_DATABASE_URL uses driver '(.*)'; supported: (.*)",
        r"DEELPOORT_DATABASE_URL gebruikt driver '\1'; ondersteund: \2",
    ),
    (
        r"DEELPOORT_DATABASE_URL: an in-memory SQLite database would lose every record",
        "DEELPOORT_DATABASE_URL: een SQLite-database in het geheugen zou elk record verliezen",
    ),
    (r"(DEELPOORT_PKCS11_PIN_FILE .*): cannot be read", r"\1: kan niet gelezen worden"),
    (r"(DEELPOORT_PKCS11_PIN_FILE .*): empty", r"\1: leeg"),
    (r"(DEELPOORT_\w+): (.*)", _plaats_en_reden),
    (r"the field policy is invalid \((\d+) problem\(s\)\)", r"het veldbeleid is ongeldig (\1 probleem/problemen)"),
    (
        r"the convenant registry is invalid \((\d+) problem\(s\)\):",
        r"het convenantregister is ongeldig (\1 probleem/problemen):",
    ),
)

# One problem line of a policy or convenant error ("  - zvh.csv:3: unknown rol 'x'").
_PROBLEEMREGEL = re.compile(r"^(?P<inspring>\s+- )(?P<plaats>.*?): (?P<reden>[^:]*)$")
_BELEIDSPROBLEMEN = _tabel(
    (r"missing model file", "het modelbestand ontbreekt"),
    (r"no policy files \(\*\.csv\)", "geen beleidsbestanden (*.csv)"),
    (r"no convenant files \(\*\.yaml\) found", "geen convenantbestanden (*.yaml) gevonden"),
    (r"larger than (\d+) bytes", r"groter dan \1 bytes"),
)


def configuratie(text: str) -> str:
    """A configuration problem (`service_layer.installatie.configuratiefout`) in Dutch, line by line: its summary
    and, for a policy or convenant, each problem with its place kept."""
    return "\n".join(_configuratieregel(regel, eerste=i == 0) for i, regel in enumerate(text.split("\n")))


def _configuratieregel(regel: str, eerste: bool) -> str:
    if not eerste:
        found = _PROBLEEMREGEL.match(regel)
        if found is None:
            return regel
        dutch = _vertaal(_BELEIDSPROBLEMEN, found["reden"]) or reden(found["reden"])
        return f"{found['inspring']}{found['plaats']}: {dutch}"
    gevonden = _vertaal(_CONFIGURATIE, regel)
    if gevonden is not None:
        return gevonden
    sleutel = _vertaal(_SLEUTELMATERIAAL[:-1], regel)  # without its catch-all "place: reason"
    if sleutel is not None:
        return sleutel
    plaats = re.match(r"^(.*?): (.*)$", regel)
    if plaats is not None:
        probleem = _vertaal(_BELEIDSPROBLEMEN, plaats[2]) or _vertaal(_REDENEN, plaats[2])
        if probleem is not None:
            return f"{plaats[1]}: {probleem}"
    return f"de configuratie is niet in orde: {regel}"


def bekend(text: str) -> str | None:
    """The Dutch of a configuration problem a table knows (a refusal may carry one), else None."""
    return _vertaal(_CONFIGURATIE, text)


def os_reden(strerror: str | None) -> str:
    """The operating system's reason a file cannot be read or written (`OSError.strerror`), in Dutch if known."""
    return _OS.get(strerror or "", strerror or "onbekende reden")
