"""Who takes part in a casus: by right (the Bureau ZVH, a CTER casus's weegploeg), on invitation, after afsluiting.

Invariants:
- CTER: weegploeg partners take part by right (from the aanmelding); any other partner only on an invitation
  naming a grondslag of the CTER register and a toelichting.
- A final fase ends every deelname, except, in a regular casus, that of the Bureau ZVH (it keeps the account of
  the casus) and, after an overdracht, the receiving partner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.casus import Casus
from service.domain.convenant import Casustype, Convenant
from service.domain.levensloop import CASUSROLLEN
from service.service_layer.casus.regie import MAX_TOELICHTING
from service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Uitnodiging:
    """A partner to add to a casus, with its rol there; for CTER also the grondslag of the invitation."""

    partner: str
    rol: str
    toelichting: str | None = None
    grondslag: str | None = None


def weegploeg(convenant: Convenant, gemeente: str) -> list[str]:
    """The partners that take part in a CTER casus about `gemeente` by right: its gemeente (veiligheid), and
    every politie and OM partner of the CTER convenant. A gemeente's veiligheid partner is found by the
    convenant's naming convention `gemeente-<gemeente>-veiligheid`.
    """
    document = convenant.document(Casustype.CTER)
    if document is None:
        return []
    out = []
    for partner in convenant.partners:
        if document.id not in partner.convenanten or partner.type not in document.weegploeg:
            continue
        if partner.type == "gemeente-veiligheid" and partner.id != f"gemeente-{gemeente}-veiligheid":
            continue
        out.append(partner.id)
    return out


def uitnodiging_problemen(
    convenant: Convenant, casus: Casus, uitnodiging: Uitnodiging, now: dt.datetime
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    document = convenant.document(casus.casustype)
    partner = convenant.partner(uitnodiging.partner)
    if partner is None:
        problems.append(("partner", "unknown partner"))
    elif document is None or document.id not in partner.convenanten:
        problems.append(("partner", f"this partner did not sign the convenant for casustype '{casus.casustype}'"))
    if uitnodiging.rol not in CASUSROLLEN:
        problems.append(("rol", f"must be one of: {', '.join(CASUSROLLEN)}"))
    if uitnodiging.toelichting is not None and len(uitnodiging.toelichting) > MAX_TOELICHTING:
        problems.append(("toelichting", f"at most {MAX_TOELICHTING} characters"))
    invited = casus.casustype is Casustype.CTER and uitnodiging.partner not in van_rechtswege(convenant, casus)
    if invited:
        if uitnodiging.grondslag not in _register_grondslagen(convenant, casus.casustype, now):
            problems.append(("grondslag", "an invitation names a grondslag of the CTER register"))
        if not uitnodiging.toelichting or not uitnodiging.toelichting.strip():
            problems.append(("toelichting", "required for an invitation: say why this partner is needed"))
    elif uitnodiging.grondslag is not None:
        problems.append(("grondslag", "only an invitation to a CTER casus names a grondslag"))
    return problems


def overdracht_problemen(
    convenant: Convenant, casus: Casus, partner_id: str, now: dt.datetime
) -> list[tuple[str, str]]:
    if convenant.verwerkingsactiviteit(casus.casustype, "overdracht", now.date()) is None:
        return [("overdracht", f"the register has no doel overdracht for casustype '{casus.casustype}'")]
    partner = convenant.partner(partner_id)
    document = convenant.document(casus.casustype)
    if partner is None:
        return [("overdracht", "unknown partner")]
    if document is None or document.id not in partner.convenanten:
        return [("overdracht", "this partner did not sign the convenant of the casus")]
    return []


def _register_grondslagen(convenant: Convenant, casustype: Casustype, now: dt.datetime) -> frozenset[str]:
    out: set[str] = set()
    for doel in convenant.ids("doel"):
        va = convenant.verwerkingsactiviteit(casustype, doel, now.date())
        if va is not None:
            out.update(va.grondslagen)
    return frozenset(out)


def van_rechtswege(convenant: Convenant, casus: Casus) -> frozenset[str]:
    """Partners that take part by right: the Bureau ZVH in a regular casus, the weegploeg in a CTER casus."""
    if casus.casustype is Casustype.CTER:
        return frozenset(weegploeg(convenant, casus.gemeente))
    document = convenant.document(casus.casustype)
    return frozenset({document.bureau}) if document is not None and document.bureau else frozenset()


def blijft_na_afsluiting(convenant: Convenant, casus: Casus, partner_id: str) -> bool:
    document = convenant.document(casus.casustype)
    return casus.casustype is Casustype.REGULIER and document is not None and partner_id == document.bureau


def blijvers(convenant: Convenant, casus: Casus) -> list[str]:
    """The partners whose deelname a final fase does not end: the Bureau ZVH of a regular casus (module
    invariants)."""
    document = convenant.document(casus.casustype)
    return [document.bureau] if casus.casustype is Casustype.REGULIER and document and document.bureau else []


def beeindig_deelnames(uow: UnitOfWork, convenant: Convenant, casus: Casus, now: dt.datetime) -> None:
    uow.casussen.end_deelnames(casus.id, now, behalve=blijvers(convenant, casus))
