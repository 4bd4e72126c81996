"""The one builder of what a verstrekking hands out: the released values with their account, as plain JSON.

Used by the API's answer (`POST /v1/casussen/{id}/verstrekkingen`) and by the overdracht package to another
region, so both say the same thing in the same words.

Invariants:
- Built only from an `Uitgifte`, that is from the velden the decision released and their decrypted values;
  never from stored rows. Withheld velden appear by name only (`onthouden`).
"""

from __future__ import annotations

import base64
from typing import Any

from service.domain.verstrekking import Ontvangstbewijs, Verstrekking
from service.service_layer.verstrekking.verstrekken import Uitgifte


def inhoud(uitgifte: Uitgifte) -> dict[str, Any]:
    """The released values per betrokkene and of the casus, with the grondslag and activity of each veld."""
    return {
        "betrokkenen": [
            {"id": b.id, "rol": b.rol.value, "relatie": b.relatie, "velden": dict(values)}
            for b, values in uitgifte.betrokkenen
        ],
        "velden": dict(uitgifte.casusvelden),
        "grondslagen": grondslagen(uitgifte.verstrekking),
    }


def grondslagen(record: Verstrekking) -> dict[str, Any]:
    """Per released veld, the grondslag and verwerkingsactiviteit (id, version) it was released on."""
    return {
        v.veld: {
            "grondslag": v.grondslag,
            "verwerkingsactiviteit": {"id": v.verwerkingsactiviteit, "versie": v.va_versie},
        }
        for v in record.verstrekt
    }


def antwoord(uitgifte: Uitgifte) -> dict[str, Any]:
    """The answer to the partner that asked: the record's identity and outcome, `inhoud`, the withheld names
    and the log receipt."""
    record = uitgifte.verstrekking
    return {
        "id": record.id,
        "casus": record.casus,
        "doel": record.doel,
        "uitkomst": record.uitkomst.value,
        "beleidsversie": record.beleidsversie,
        **inhoud(uitgifte),
        "onthouden": list(record.onthouden),
        "ontvangstbewijs": ontvangstbewijs(uitgifte.bewijs),
    }


def ontvangstbewijs(bewijs: Ontvangstbewijs) -> dict[str, Any]:
    """The log receipt: where the record is, and the checkpoint that covers it (or the size that will)."""
    return {
        "logIndex": bewijs.log_index,
        "bladHash": blad_hash(bewijs),
        "checkpoint": bewijs.checkpoint,
        "checkpointUiterlijkBijGrootte": bewijs.checkpoint_uiterlijk_bij,
    }


def blad_hash(bewijs: Ontvangstbewijs) -> str:
    return base64.b64encode(bewijs.blad_hash).decode("ascii")
