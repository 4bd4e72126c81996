"""The page of one beheer proposal (`/beheer/voorstellen/<id>`): what it changes, then the forms to judge it.

Invariants:
- The page shows the proposal's impact first, summarised per partner type, rol, casustype and doel
  (`beleid.impact.samenvatting`, a regrouping of the decision diff that approval is held to), then the policy
  lines it adds and removes, and the full diff per partner folded below: nothing on it is computed apart from
  the diff the service layer judges by.
- The approve form is shown only next to that diff, never to the proposer (who is told it waits for a second
  beheerder), and never when the proposal is already stale; approving needs an explicit confirmation (checked
  here and refused with 400, nothing changed, when missing) and may carry an opmerking.
- Names everywhere, codes on hover: partners, partner types, doelen, velden and grondslagen by their convenant
  names, the code in a `title` or a `data-` attribute.
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from service.domain.beheer import Soort, Status, Voorstel
from service.domain.errors import ConflictError
from service.meldingen import beheer as meldingen
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beheer import weergave as beheerweergave
from service.service_layer.beleid.impact import beleidsregels, samenvatting
from service.service_layer.beleid.verschil import Verschil, verschil
from service.service_layer.register import raadplegen as registry
from service.service_layer.register import versies as convenantversies
from service.service_layer.services import Services
from service.web import omschrijvingen
from service.web.beheerformulieren import Formulier
from service.web.sessie import app_services, gebruiker

OPEN_TOT = 60  # decisions up to which the full per-partner table is shown open
_PARTNER_NA = {Soort.PARTNER_SCHORSING: False, Soort.PARTNER_HERSTEL: True}  # the partner's actief after approval


def voorstel_pagina(
    voorstel_id: str,
    *,
    melding: str | None = None,
    afwijzing: Formulier | None = None,
    goedkeuring: Formulier | None = None,
    status: int = 200,
) -> Any:
    """The rendered page and its status (a refused form is shown again with its input and problems)."""
    services = app_services()
    found = beheer.voorstel(services, voorstel_id)  # NietGevondenError: the 404 page
    try:
        diff: Verschil | None = verschil(services, voorstel_id)
        diff_fout = None
    except ConflictError as exc:
        diff, diff_fout = None, meldingen.melding(exc)
    zelf = found.voorgesteld_door == gebruiker().id
    verouderd = found.status is Status.OPEN and _verouderd(services, found)
    ids = {found.voorgesteld_door} | ({found.beoordeeld_door} if found.beoordeeld_door else set())
    ids |= {found.gebruiker} if found.gebruiker else set()
    convenant = services.convenant
    namen = omschrijvingen.namen(convenant)
    return render_template(
        "beheer/voorstel.html",
        titel="Voorstel",
        v=found,
        zelf=zelf,
        verouderd=verouderd,
        stale=meldingen.STALE_CONVENANT if found.soort is Soort.CONVENANT else meldingen.STALE,
        kan_goedkeuren=found.status is Status.OPEN and not zelf and not verouderd and diff is not None,
        diff=diff,
        diff_fout=diff_fout,
        impact=samenvatting(diff, {p.id: p.type for p in convenant.partners}) if diff is not None else (),
        regels=beleidsregels(services, found),
        tabel=_tabel(diff, namen["partner"]) if diff is not None else [],
        # the full table is open when it is short (a few partners, a few dozen decisions); else folded
        tabel_open=diff is not None and len({g.partner for g in diff.groepen}) <= 3 and _aantal(diff) <= OPEN_TOT,
        veldnamen=namen["veld"],
        doelnamen=namen["doel"],
        rolnamen=namen["rol"],
        typenamen=namen["partnertype"],
        grondslagnamen=namen["grondslag"],
        grondslagen=_grondslagen(services, diff) if diff is not None else [],
        personen=beheerweergave.personen(services, ids),
        melding=melding,
        afwijzing=afwijzing or Formulier.leeg("afwijzing"),
        goedkeuring=goedkeuring or Formulier.leeg("goedkeuring"),
    ), status


def _verouderd(services: Services, found: Voorstel) -> bool:
    """Whether approving would be refused as stale now (shown before anyone tries; the service layer decides)."""
    if found.soort is Soort.BELEID:
        return found.basisversie != beheerweergave.actieve_versie(services)
    if found.soort is Soort.CONVENANT:
        in_werking = convenantversies.versie_in_werking(services)
        return found.basisversie != beheerweergave.actieve_versie(services) or found.convenantbasis != in_werking
    na = _PARTNER_NA.get(found.soort)  # other soorten: not known to go stale here, the service layer decides
    if na is None:
        return False
    actief = next((p["actief"] for p in registry.partners(services) if p["id"] == found.partner), None)
    return actief is na  # the partner is already in the state the proposal would bring


def _aantal(diff: Verschil) -> int:
    return sum(len(groep.beslissingen) for groep in diff.groepen)


def _tabel(diff: Verschil, namen: dict[str, str]) -> list[dict[str, Any]]:
    """The diff per partner (by name), then per (rol, casustype, doel): the velden gained, lost, re-grounded."""
    per_partner: dict[str, list[dict[str, Any]]] = {}
    for groep in diff.groepen:
        per_partner.setdefault(groep.partner, []).append(
            {
                "rol": groep.rol,
                "casustype": groep.casustype,
                "doel": groep.doel,
                "gekregen": [b for b in groep.beslissingen if b.soort == "gekregen"],
                "verloren": [b for b in groep.beslissingen if b.soort == "verloren"],
                "gewijzigd": [b for b in groep.beslissingen if b.soort == "gewijzigd"],
            }
        )
    return sorted(
        ({"id": pid, "naam": namen.get(pid, pid), "rijen": rijen} for pid, rijen in per_partner.items()),
        key=lambda p: str(p["naam"]).lower(),
    )


def _grondslagen(services: Services, diff: Verschil) -> list[tuple[str, str, str]]:
    """(id, naam, artikel) of every grondslag the diff names, for the legend under the table."""
    used = {g for groep in diff.groepen for b in groep.beslissingen for g in (b.was, b.wordt) if g}
    out = []
    for ident in sorted(used):
        found = services.convenant.grondslag(ident)
        out.append((ident, found.naam if found else ident, found.artikel if found else ""))
    return out
