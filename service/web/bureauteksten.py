"""The Dutch words of the Bureau pages: the plan's codes made readable, and what a refusal means.

Invariants:
- Built from codes only; a code without a label is shown as the code (never hidden, never guessed).
- A refusal's message names what went wrong and that nothing was recorded; never a value, never an internal
  detail of the error.
"""

from __future__ import annotations

from service.domain.errors import DeelpoortError, OngeldigeInvoerError
from service.domain.plan import ActieStatus, Leefgebied, Niveau, OpschalingUitkomst
from service.http_status import http_status

LEEFGEBIEDEN: dict[str, str] = {
    Leefgebied.FINANCIEN: "Financiën",
    Leefgebied.WERK_OPLEIDING: "Werk en opleiding",
    Leefgebied.TIJDSBESTEDING: "Tijdsbesteding",
    Leefgebied.HUISVESTING: "Huisvesting",
    Leefgebied.HUISELIJKE_RELATIES: "Huiselijke relaties",
    Leefgebied.GEESTELIJKE_GEZONDHEID: "Geestelijke gezondheid",
    Leefgebied.LICHAMELIJKE_GEZONDHEID: "Lichamelijke gezondheid",
    Leefgebied.MIDDELENGEBRUIK: "Middelengebruik",
    Leefgebied.ADL: "Algemene dagelijkse levensverrichtingen",
    Leefgebied.SOCIAAL_NETWERK: "Sociaal netwerk",
    Leefgebied.MAATSCHAPPELIJKE_PARTICIPATIE: "Maatschappelijke participatie",
    Leefgebied.JUSTITIE: "Justitie",
    Leefgebied.VEILIGHEID: "Veiligheid",
}
STATUSSEN: dict[str, str] = {
    ActieStatus.OPEN: "open",
    ActieStatus.IN_UITVOERING: "in uitvoering",
    ActieStatus.AFGEROND: "afgerond",
    ActieStatus.VERVALLEN: "vervallen",
}
NIVEAUS: dict[str, str] = {
    Niveau.PARTNER_MANAGEMENT: "management van de partner",
    Niveau.LOKALE_DRIEHOEK: "lokale driehoek",
    Niveau.BESTUUR: "bestuur",
}
UITKOMSTEN: dict[str, str] = {
    OpschalingUitkomst.DOORBRAAK: "doorbraak",
    OpschalingUitkomst.GEDEELTELIJKE_DOORBRAAK: "gedeeltelijke doorbraak",
    OpschalingUitkomst.GEEN_DOORBRAAK: "geen doorbraak",
    OpschalingUitkomst.VERDER_OPGESCHAALD: "verder opgeschaald",
}
FOUTEN: dict[int, str] = {
    400: "De invoer is onvolledig of ongeldig. Er is niets vastgelegd.",
    403: "Uw rol of organisatie mag dit niet. Er is niets vastgelegd.",
    404: "Niet gevonden: deze casus, dit overleg of deze partner is er niet, of niet voor uw organisatie.",
    409: "Dit kan nu niet (de toestand is intussen veranderd). Er is niets vastgelegd.",
    410: "De gegevens van deze casus zijn vernietigd.",
    503: "Deelpoort kon dit nu niet vastleggen; er is niets verstrekt of gewijzigd. Probeer het later opnieuw.",
}


def melding(exc: DeelpoortError) -> str:
    """What a refusal means for the person at the page; an invalid input names the fields (not their values)."""
    if isinstance(exc, OngeldigeInvoerError):
        namen = ", ".join(sorted({naam.split("[")[0] for naam, _ in exc.problemen}))
        return f"Controleer de invoer ({namen}). Er is niets vastgelegd."
    return FOUTEN.get(http_status(exc) or 503, FOUTEN[503])
