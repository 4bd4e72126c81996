"""Checking the lookup tables derived from the verstrekking log (`verstrekking_betrokkenen`,
`verstrekking_grondslagen`) against the records they are made from; `deelpoort audit verify` runs it after
`logboek.controle.verifieer`.

Invariants:
- Every record the tables cover (below their `tot`) has exactly the rows `service.adapters.afgeleid` derives
  from it, and no record beyond has any: a row deleted, changed or added there would hide a verstrekking from an
  access request, or invent one.
- The person rows of betrokkenen that a destruction record forgets are expected absent (docs/bewaring.md).
  Which ones is read from the destruction records themselves, which `verifieer` covers like every record; a
  destruction that forgets a betrokkene named in a record of another casus is a fault (it would hide that
  casus from an access request).
- Reads only, in one consistent snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator

from service.adapters.afgeleid import Afgeleid, afgeleid_gecontroleerd
from service.audit.verification import Verificatie
from service.service_layer.services import Services

INDEX_BLOK = 5000  # records per block of `verifieer_index`


def verifieer_index(
    services: Services, *, block: int = INDEX_BLOK, voortgang: Iterator[None] | None = None
) -> Verificatie:
    """Check the derived lookup tables against the records they are made from: for every record the tables cover
    (below their `tot`), exactly the rows `catch_up` stores for it; beyond it, none. `voortgang` is advanced per
    block.

    An access request and the grondslag filter read these tables, so a row deleted or changed there would hide a
    verstrekking from a person's access request. A betrokkene forgotten by a destruction record has no person
    rows; a destruction may forget only betrokkenen of its own casus. `verifieer` does not read these tables
    (this check parses every record: several times its cost). `grootte` is the number of records covered.
    """
    result = Verificatie()
    with services.log.database.snapshot() as snapshot:
        store = snapshot.verantwoording
        head, tot = snapshot.log.size(), store.tot()
        if tot > head:
            result.fout(head, f"the lookup tables claim to cover {tot} records, the log has {head}")
        end = min(tot, head)
        vergeten = store.vergeten(end)
        for start in range(0, end, block):
            stop = min(start + block, end)
            expected: Afgeleid = (set(), set())
            vreemd: int | None = None
            for index, data, tijd in store.bronnen(start, stop):
                (personen, grondslagen), buiten = afgeleid_gecontroleerd(index, data, tijd, vergeten)
                expected[0].update(personen)
                expected[1].update(grondslagen)
                if buiten and vreemd is None:
                    vreemd = index
            if vreemd is not None:
                result.fout(vreemd, f"index {vreemd}: names a betrokkene forgotten by the destruction of another casus")
                break
            bad = _first_difference(expected, store.opgeslagen(start, stop))
            if bad is not None:
                result.fout(bad, f"index {bad}: its lookup rows (access requests, grondslagen) differ from the record")
                break
            if voortgang is not None:
                next(voortgang, None)
        beyond = _first_difference((set(), set()), store.opgeslagen(end, None))
        if beyond is not None:
            result.fout(beyond, f"index {beyond}: lookup rows for a record beyond the {end} the tables cover")
        result.grootte = end
    return result


def _first_difference(expected: Afgeleid, stored: Afgeleid) -> int | None:
    personen = expected[0] ^ stored[0]
    grondslagen = expected[1] ^ stored[1]
    indexes = [index for _, index, _ in personen] + [index for _, index in grondslagen]
    return min(indexes) if indexes else None
