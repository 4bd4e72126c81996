"""The decision on an aanlevering as a value: which supplied velden the bronregels accept from this partner, on
which of the partner's own grondslagen, or which they refuse.

`beoordeel` is pure: it reads only its arguments and never raises.

Invariants (DESIGN invariant 12, both sides of every flow):
- The bronregels are the field policy's lines for a doel of `AANLEVERDOELEN` (`aanmelding`, `bijdrage`): a
  grant for (partner, rol, casustype, that doel) means the partner may supply that veld, and its grondslag is
  the partner's own ground for supplying it (e.g. Wpg art. 20 for police data from the politie).
- A veld is accepted only if (a) such a grant exists, (b) its grondslag is one of the grondslagen of the
  register's verwerkingsactiviteit for (casustype, doel), (c) the veld's categorie is processed by that
  activity, and (d) the activity permits the doel in the casus's fase. Anything unknown accepts nothing.
- All or nothing: when any veld is refused, nothing is accepted (`verstrekt` is empty) and every refused veld
  is named, by name only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain.convenant import Convenant, Fase, Verwerkingsactiviteit
from service.domain.decision import Grant
from service.domain.verstrekking import Uitkomst, VerstrektVeld, Weigering

CASUS = "casus"  # the place of a value of the casus itself


@dataclass(frozen=True, slots=True)
class Aanleverbesluit:
    """What `beoordeel` decided: the accepted velden with their grondslag, or the refused names and why."""

    verstrekt: tuple[VerstrektVeld, ...]
    geweigerd: tuple[str, ...]  # the velden outside the bronregels (names only), sorted
    weigering: Weigering | None
    reden: str  # a refusal's explanation, naming velden and codes, never a value; empty when accepted

    @property
    def uitkomst(self) -> Uitkomst:
        return Uitkomst.GEWEIGERD if self.weigering is not None else Uitkomst.VERSTREKT


def beoordeel(
    convenant: Convenant,
    bron: str,
    grants: Mapping[str, Grant],
    va: Verwerkingsactiviteit | None,
    fase: Fase,
    plaatsen: Mapping[str, Sequence[str | None]],
) -> Aanleverbesluit:
    """Judge the supply by `bron` of values at `plaatsen` (veld -> the betrokkene ids, or None for the casus)."""
    velden = sorted(plaatsen)
    if va is None or fase not in va.fasen:
        reden = "the register of verwerkingsactiviteiten permits no aanlevering for this doel in this fase"
        return Aanleverbesluit((), tuple(velden), Weigering.BRONREGEL, reden)
    categorieen = set(va.categorieen)
    accepted: dict[str, Grant] = {}
    for veld in velden:
        grant = grants.get(veld)
        definition = convenant.veld(veld)
        if (
            grant is not None
            and grant.grondslag in va.grondslagen
            and definition is not None
            and definition.categorie in categorieen
        ):
            accepted[veld] = grant
    geweigerd = tuple(v for v in velden if v not in accepted)
    if geweigerd:
        reden = f"this partner may not supply: {', '.join(geweigerd)} (the bronregels of the convenant)"
        return Aanleverbesluit((), geweigerd, Weigering.BRONREGEL, reden)
    verstrekt = []
    for veld in velden:
        places = _places(plaatsen[veld])
        verstrekt.append(VerstrektVeld(veld, accepted[veld].grondslag, va.id, va.versie, places, (bron,) * len(places)))
    return Aanleverbesluit(tuple(verstrekt), (), None, "")


def _places(plaatsen: Sequence[str | None]) -> tuple[str, ...]:
    """ "casus" first, then the betrokkene ids in order (as a verstrekking lists them)."""
    return tuple(CASUS if p is None else p for p in sorted(set(plaatsen), key=lambda p: p or ""))
