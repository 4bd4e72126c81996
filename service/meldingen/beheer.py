"""Dutch messages for beheer: the service layer's errors and validation problems as a beheerder reads them, on
the beheer pages (`melding`, `problemen`) and from the command line (`service.meldingen.opdrachten`).

The service layer speaks English to developers (its messages are also the API's `detail`); a page speaks Dutch.
Each known message is matched by a stable fragment; an unknown one still gets a Dutch sentence of its kind, so a
new error (for instance of a new soort of voorstel) is never shown raw or as a 500.

Invariants:
- A page answers every service-layer error with the status the API gives it (`service.http_status.status_van`),
  never 500.
- A validation problem keeps its place ("zvh-drenthe.csv:12", "Toevoegen, regel 3"): only the reason is
  translated, and the reason's own names (rol, veld, grondslag ids) are kept as they are.
"""

from __future__ import annotations

import re

from service.domain.errors import (
    ConflictError,
    DeelpoortError,
    NietBeschikbaarError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)

STALE = (
    "Dit voorstel is verouderd: het actieve veldbeleid is veranderd sinds het werd ingediend, dus het verschil "
    "hieronder is niet meer wat goedkeuren zou veranderen. Er is niets in werking getreden. Dien het voorstel zo "
    "nodig opnieuw in tegen het huidige beleid."
)
STALE_CONVENANT = (
    "Dit voorstel is verouderd: het convenant of het actieve veldbeleid is veranderd sinds het werd ingediend, dus "
    "het verschil hieronder is niet meer wat goedkeuren zou veranderen. Er is niets in werking getreden. Dien het "
    "voorstel zo nodig opnieuw in."
)
VIER_OGEN = (
    "Vier ogen: u heeft dit voorstel zelf ingediend en mag het dus niet goedkeuren. Een andere beheerder moet het "
    "beoordelen. Er is niets in werking getreden."
)

# (fragment of the service layer's message, Dutch message); the first match wins.
CONFLICTEN: tuple[tuple[str, str], ...] = (
    ("convenant or field policy in force is no longer", STALE_CONVENANT),
    ("stale", STALE),
    (
        "convenant in force changed while proposing",
        "Het convenant veranderde terwijl u het voorstel indiende; probeer opnieuw.",
    ),
    (
        "does not fit the proposed convenant",
        "Het actieve veldbeleid past niet bij het voorgestelde convenant; dien een nieuw voorstel in.",
    ),
    (
        "convenant version no longer loads",
        "De voorgestelde convenantversie is niet meer geldig; dien een nieuw voorstel in.",
    ),
    ("already goedgekeurd", "Over dit voorstel is al beslist: het is goedgekeurd."),
    ("already afgewezen", "Over dit voorstel is al beslist: het is afgewezen."),
    ("decided meanwhile", "Over dit voorstel is intussen door een andere beheerder beslist."),
    ("is the active version", "Dit voorstel verandert niets: de voorgestelde versie is de actieve versie."),
    ("changed while proposing", "Het actieve beleid veranderde terwijl u het voorstel indiende; probeer opnieuw."),
    ("already active", "Deze partner is niet geschorst: er valt niets te herstellen."),
    ("already suspended", "Deze partner is al geschorst."),
    (
        "Bureau ZVH cannot be suspended",
        "Het Bureau ZVH kan niet geschorst worden: zijn beheerders zouden de schorsing nooit meer kunnen opheffen.",
    ),
    (
        "partner's state changed",
        "De partner is sinds het voorstel geschorst of hersteld; dit voorstel past daar niet meer bij. Er is niets "
        "in werking getreden. Dien het zo nodig opnieuw in.",
    ),
    ("no field policy is active", "Er is geen actief veldbeleid om een voorstel tegen te doen."),
    (
        "no longer fits the convenant",
        "De voorgestelde versie past niet meer bij het convenant; dien een nieuw voorstel in.",
    ),
    ("does not match its hash", "De voorgestelde versie ontbreekt of klopt niet met haar kenmerk."),
    ("no base version", "Dit voorstel heeft geen basisversie om mee te vergelijken."),
    ("no diff", "Het verschil kan niet worden bepaald: een betrokken versie past niet meer bij het convenant."),
    (
        "two active beheerders",
        "Er moeten minstens twee actieve beheerders overblijven, anders kan niemand meer iets goedkeuren. Er is "
        "niets veranderd.",
    ),
    ("proposal about this gebruiker is open", "Over deze gebruiker loopt al een voorstel; beslis daar eerst over."),
    ("gebruiker's state changed", "De gebruiker is sinds het voorstel veranderd; dien het zo nodig opnieuw in."),
    ("belongs to another gebruiker", "Dit account bij de identiteitsaanbieder hoort al bij een andere gebruiker."),
    ("no token is issued", "Deze gebruiker is niet actief: er wordt geen token uitgegeven."),
    ("revoked already", "Dit token was al ingetrokken."),
    ("it cannot become", "Deze statuswijziging past niet bij de huidige status van de gebruiker."),
    ("already destroyed", "De gegevens van deze casus zijn al vernietigd; er valt niets meer te vernietigen."),
    (
        "proposal to destroy this casus",
        "Over de vernietiging van deze casus loopt al een voorstel; beslis daar eerst over.",
    ),
    ("casus of this proposal no longer exists", "De casus van dit voorstel bestaat niet meer; er is niets vernietigd."),
)
VERBODEN: tuple[tuple[str, str], ...] = (
    ("four eyes", VIER_OGEN),
    ("only a beheerder", "Alleen een beheerder mag dit doen."),
    (
        "never given a token by another beheerder",
        "Een beheerder of FG krijgt nooit een token van een andere beheerder: die zou anders namens hem kunnen "
        "handelen. Hij logt in via zijn eigen organisatie of vernieuwt zijn eigen token.",
    ),
)


def melding(exc: DeelpoortError) -> str:
    """One Dutch sentence for a service-layer error (validation problems: see `problemen`)."""
    text = str(exc)
    if isinstance(exc, NietToegestaanError):
        return eerste(VERBODEN, text, "U mag deze handeling niet uitvoeren.")
    if isinstance(exc, NietGevondenError):
        if "gebruiker" in text or "token" in text:
            return "Deze gebruiker of dit token bestaat niet."
        return "Dit voorstel bestaat niet (meer)."
    if isinstance(exc, NietBeschikbaarError):
        if "history" in text:
            return (
                "De beheergeschiedenis in het logboek is niet leesbaar (mogelijk beschadigd). Laat de functionaris "
                "gegevensbescherming 'deelpoort audit verify' uitvoeren."
            )
        return "Een onderdeel waar deze pagina van afhangt is nu niet beschikbaar; er is niets veranderd."
    if isinstance(exc, OngeldigeInvoerError):
        return "Het formulier bevat fouten; zie de lijst hieronder."
    if isinstance(exc, ConflictError):
        return eerste(CONFLICTEN, text, "Deze handeling past niet bij de huidige toestand; er is niets veranderd.")
    return "Deze handeling is niet gelukt; er is niets veranderd."


def eerste(table: tuple[tuple[str, str], ...], text: str, anders: str) -> str:
    return next((dutch for fragment, dutch in table if fragment in text), anders)


# Problems named by the service layer, without a place in a file.
_NAMEN = {
    "toelichting": "Toelichting",
    "reden": "Reden",
    "versie": "Versie",
    "partner.id": "Partner",
    "bestanden": "Bestanden",
    "wijziging": "Wijziging",
    "beleid": "Beleid als geheel",
    "body": "Voorstel",
    "document": "Convenantdocument",
    "toevoegingen": "Toevoegingen",
    "partner": "Partner",
    "rol": "Rol",
    "soort": "Soort",
    "naam": "Naam",
    "oidc": "Account bij de identiteitsaanbieder",
    "oidc.issuer": "Identiteitsaanbieder (issuer)",
    "oidc.subject": "Account (subject)",
    "vernietiging.casus": "Casus",
}
_REDENEN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), dutch)
    for pattern, dutch in (
        (r"^required, at most (\d+) characters$", r"verplicht, hoogstens \1 tekens"),
        (r"^no such stored policy version$", "deze versie is niet opgeslagen"),
        (r"^not a partner of the convenant$", "geen partner van het convenant"),
        (r"^no such casus$", "er is geen casus met dit kenmerk"),
        (r"^not a rol of the convenant$", "geen rol van het convenant"),
        (r"^a beheerder belongs to the Bureau ZVH$", "een beheerder hoort bij het Bureau ZVH"),
        (r"^a (\w+) is a person \(soort persoon\)$", r"een \1 is een persoon (soort persoon)"),
        (r"^only a person logs in through OpenID Connect$", "alleen een persoon logt in via OpenID Connect"),
        (r"^at least one policy file is needed$", "kies minstens één beleidsbestand (.csv)"),
        (r"^at most (\d+) files$", r"hoogstens \1 bestanden"),
        (r"^a file name like .*$", "een bestandsnaam als 'zvh-drenthe.csv' (kleine letters, cijfers, . _ -)"),
        (r"^file names must be unique$", "elke bestandsnaam mag maar één keer voorkomen"),
        (r"^add or remove at least one line$", "voeg minstens één regel toe of verwijder er een"),
        (r"^no such line in the active version$", "deze regel staat niet in het actieve beleid"),
        (r"^exactly one policy line$", "precies één beleidsregel per regel"),
        (r"^give exactly one of .*$", "kies precies één soort voorstel"),
        (
            r"^only 'p' lines belong in a policy file.*$",
            "alleen p-regels horen in een beleidsbestand (de rolkoppelingen komen uit het convenant)",
        ),
        (
            r"^expected (\d+) (?:non-empty )?values.*$",
            r"verwacht \1 waarden na 'p' (sub, rol, casustype, doel, veld, "
            r"grondslag, effect)",
        ),
        (r"^empty value$", "een waarde is leeg"),
        (
            r"^no policy lines: nothing could ever be shared$",
            "geen enkele beleidsregel: er zou nooit iets gedeeld worden",
        ),
        (
            r"^unknown subject '(.*)' \(not a partner, partnertype or domein\)$",
            r"onbekend subject '\1' (geen partner, partnertype of domein)",
        ),
        (r"^ambiguous subject '(.*)' \(it is a (.*)\)$", r"subject '\1' is niet eenduidig (\2)"),
        (r"^unknown rol '(.*)'$", r"onbekende rol '\1'"),
        (r"^unknown casustype '(.*)'$", r"onbekend casustype '\1'"),
        (r"^unknown doel '(.*)'$", r"onbekend doel '\1'"),
        (r"^unknown veld or categorie '(.*)'$", r"onbekend veld of onbekende categorie '\1'"),
        (r"^effect must be 'allow' or 'deny', not '(.*)'$", r"het effect is 'allow' of 'deny', niet '\1'"),
        (r"^a deny line has grondslag '(.*)'$", r"een deny-regel heeft grondslag '\1'"),
        (
            r"^an allow line names its casustype, doel and veld or categorie explicitly \(no '\*'\)$",
            "een allow-regel noemt casustype, doel en veld of categorie uitdrukkelijk (geen '*')",
        ),
        (r"^unknown grondslag '(.*)'$", r"onbekende grondslag '\1'"),
        (
            r"^no verwerkingsactiviteit in the register for doel '(.*)' in casustype '(.*)'$",
            r"geen verwerkingsactiviteit in het register voor doel '\1' bij casustype '\2'",
        ),
        (
            r"^grondslag '(.*)' is not a grondslag of the verwerkingsactiviteit for this doel$",
            r"grondslag '\1' is geen grondslag van de verwerkingsactiviteit voor dit doel",
        ),
        (
            r"^veld '(.*)' \(categorie '(.*)'\) is outside the verwerkingsactiviteit$",
            r"veld '\1' (categorie '\2') valt buiten de verwerkingsactiviteit",
        ),
        (
            r"^grondslag '(.*)' does not cover veld '(.*)' \(gevoeligheid (.*)\)$",
            r"grondslag '\1' dekt veld '\2' niet (gevoeligheid \3)",
        ),
        (
            r"^partner '(.*)' did not sign the convenant for casustype '(.*)'$",
            r"partner '\1' heeft het convenant voor casustype '\2' niet ondertekend",
        ),
    )
)


_PAST_NIET = "the active field policy would no longer fit: "


def reden(text: str) -> str:
    """A validation reason in Dutch; an unknown one is kept as it is (it names the rule it broke)."""
    if text.startswith(_PAST_NIET):
        return "het actieve veldbeleid zou niet meer passen: " + reden(text.removeprefix(_PAST_NIET))
    for pattern, dutch in _REDENEN:
        if pattern.match(text):
            return pattern.sub(dutch, text)
    return text


def naam(name: str) -> str:
    """A problem's place as a beheerder reads it: file:line stays, a field gets its Dutch label."""
    return _NAMEN.get(name, name)


def problemen(exc: OngeldigeInvoerError) -> list[tuple[str, str]]:
    """Every problem of `exc` as (place, reason) in Dutch, in the order the service layer found them."""
    return [(naam(name), reden(reason)) for name, reason in exc.problemen]
