"""Checking a policy against the convenant before it can be compiled or activated.

Every problem is reported at once as "file:line: message". A policy with problems is refused whole.

Rules (beyond "every name exists"):
- A subject is a partner, partnertype or domein (or `*`), and that name must not be ambiguous.
- An allow line names its casustype and doel explicitly, a known grondslag, and covers at least one veld.
- An allow line rests on the register of verwerkingsactiviteiten: there is an activity for its (casustype, doel),
  the grondslag is one of that activity's grondslagen, and every veld it covers is in one of its categorieen.
- The grondslag fits every veld the line covers: its gevoeligheden include the veld's gevoeligheid (health data
  needs an AVG art. 9 ground, police data a Wpg ground, a BSN its own ground).
- Regimes stay apart: an allow line reaches only partners that signed the convenant of its casustype.
- A deny line has grondslag `-`.
"""

from __future__ import annotations

from service.access.expand import Expander
from service.access.policy import NO_GRONDSLAG, WILDCARD, Policy, PolicyLine
from service.domain.convenant import Casustype, Convenant


def validate(policy: Policy, convenant: Convenant) -> list[str]:
    expander = Expander(policy, sorted(convenant.ids("partner")), sorted(convenant.ids("veld")))
    names = {
        "partner": convenant.ids("partner"),
        "partnertype": convenant.ids("partnertype"),
        "domein": convenant.domeinen(),
    }
    problems: list[str] = []
    for line in policy.lines:
        problems += [f"{line.source}: {message}" for message in _check(line, convenant, expander, names)]
    return problems


def _check(line: PolicyLine, convenant: Convenant, expander: Expander, names: dict[str, frozenset[str]]) -> list[str]:
    out: list[str] = []
    kinds = [kind for kind, ids in names.items() if line.sub in ids]
    if line.sub != WILDCARD and not kinds:
        out.append(f"unknown subject '{line.sub}' (not a partner, partnertype or domein)")
    elif len(kinds) > 1:
        out.append(f"ambiguous subject '{line.sub}' (it is a {' and a '.join(kinds)})")
    if line.rol != WILDCARD and line.rol not in convenant.ids("rol"):
        out.append(f"unknown rol '{line.rol}'")
    if line.casustype != WILDCARD and line.casustype not in convenant.casustypen():
        out.append(f"unknown casustype '{line.casustype}'")
    if line.doel != WILDCARD and line.doel not in convenant.ids("doel"):
        out.append(f"unknown doel '{line.doel}'")
    if line.obj != WILDCARD and line.obj not in convenant.ids("veld") | convenant.ids("categorie"):
        out.append(f"unknown veld or categorie '{line.obj}'")
    if line.eft not in ("allow", "deny"):
        out.append(f"effect must be 'allow' or 'deny', not '{line.eft}'")
    elif line.eft == "deny" and line.grondslag != NO_GRONDSLAG:
        out.append(f"a deny line has grondslag '{NO_GRONDSLAG}'")
    elif line.eft == "allow" and not out:
        out += _check_allow(line, convenant, expander)
    return out


def _check_allow(line: PolicyLine, convenant: Convenant, expander: Expander) -> list[str]:
    if WILDCARD in (line.casustype, line.doel, line.obj):
        return ["an allow line names its casustype, doel and veld or categorie explicitly (no '*')"]
    grondslag = convenant.grondslag(line.grondslag)
    if grondslag is None:
        return [f"unknown grondslag '{line.grondslag}'"]
    casustype = Casustype(line.casustype)
    activities = [va for va in convenant.verwerkingsactiviteiten if va.casustype is casustype and va.doel == line.doel]
    if not activities:
        return [f"no verwerkingsactiviteit in the register for doel '{line.doel}' in casustype '{line.casustype}'"]
    out: list[str] = []
    if all(line.grondslag not in va.grondslagen for va in activities):
        out.append(f"grondslag '{line.grondslag}' is not a grondslag of the verwerkingsactiviteit for this doel")
    categorieen = {c for va in activities for c in va.categorieen}
    for veld_id in expander.velden_of(line.obj):
        veld = convenant.veld(veld_id)
        if veld is None:
            continue
        if veld.categorie not in categorieen:
            out.append(f"veld '{veld_id}' (categorie '{veld.categorie}') is outside the verwerkingsactiviteit")
        if veld.gevoeligheid not in grondslag.gevoeligheden:
            out.append(
                f"grondslag '{line.grondslag}' does not cover veld '{veld_id}' (gevoeligheid {veld.gevoeligheid.value})"
            )
    document = convenant.document(casustype)
    for partner_id in expander.partners_of(line.sub):
        partner = convenant.partner(partner_id)
        if document is None or partner is None or document.id not in partner.convenanten:
            out.append(f"partner '{partner_id}' did not sign the convenant for casustype '{line.casustype}'")
    return out
