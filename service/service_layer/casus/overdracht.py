"""Overdracht between regions: a signed package of a casus for another Zorg- en Veiligheidshuis.

Invariants:
- Only the regie of a casus exports it, and only to a partner of type `andere-zvh` that takes part in the
  casus (afsluiting with an overdracht to that region makes it take part; so does adding it as deelnemer).
- The package holds exactly what a verstrekking to that region for the doel `overdracht` releases: it is made
  by `verstrekkingen.verstrekken` acting for the receiving region (its procesregisseur), so the field policy,
  the deelname and the fase gating of the register decide, and the verstrekking is logged durably (to that
  region, with the exporting gebruiker as user reference) before the package exists.
- The package is a C2SP signed note: the first line names the format (`deelpoort/overdracht/v1`, which no
  checkpoint origin uses), the second is canonical JSON; it is signed with the service's Ed25519 key. The
  receiver verifies it with the published verifier key (`verifieer_pakket`); any change to the text fails.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from service.crypto import CheckpointVerifier, CryptoError, KeyMaterialError
from service.domain.casus import Casus, Gebruiker, utcnow
from service.domain.errors import ConflictError, OngeldigeInvoerError
from service.domain.verstrekking import Trace
from service.service_layer.casus.levensloop import vereis_regie
from service.service_layer.services import Services
from service.service_layer.verstrekking import verstrekken as verstrekkingen
from service.service_layer.verstrekking.antwoord import blad_hash, inhoud
from service.service_layer.verstrekking.verstrekken import Uitgifte

FORMAAT = "deelpoort/overdracht/v1"
REGIO_TYPE = "andere-zvh"
ONTVANGER_ROL = "procesregisseur"  # the rol the receiving ZVH's policy is looked up for


@dataclass(frozen=True, slots=True)
class Overdrachtspakket:
    tekst: str  # the signed note text: FORMAAT, newline, canonical JSON, newline
    handtekening: str  # the signed-note signature line
    sleutel: str  # the verifier key that checks it
    uitgifte: Uitgifte


def overdragen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    regio: str,
    trace: Trace,
    *,
    now: dt.datetime | None = None,
) -> Overdrachtspakket:
    """Export a casus to another ZVH region as a signed package, logged as a verstrekking to that region.

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie; or (logged) the fase does not permit the
            doel overdracht.
        OngeldigeInvoerError: `regio` is not another ZVH region of the convenant.
        ConflictError: the region does not take part in the casus.
        LogNietBeschikbaarError: the log could not record (no package is made).
    """
    now = now or utcnow()
    convenant = services.convenant
    ontvanger = convenant.partner(regio)
    with services.uow() as uow:
        casus = vereis_regie(uow, convenant, gebruiker, casus_id, now)
    if ontvanger is None or ontvanger.type != REGIO_TYPE:
        raise OngeldigeInvoerError([("regio", "not another Zorg- en Veiligheidshuis of the convenant")])
    if not any(d.partner_id == regio and d.actief(now) for d in casus.deelnames):
        raise ConflictError("the region takes no part in this casus: close it with an overdracht to it first")
    namens = Gebruiker(gebruiker.id, regio, ONTVANGER_ROL, gebruiker.naam)
    uitgifte = verstrekkingen.verstrekken(
        services, namens, casus.id, verstrekkingen.Verzoek("overdracht"), trace, now=now
    )
    afzender = convenant.partner(gebruiker.partner_id)
    inhoud = _inhoud(casus, uitgifte, gebruiker.partner_id, afzender.oin if afzender else "", regio, ontvanger.oin, now)
    tekst = f"{FORMAAT}\n{json.dumps(inhoud, sort_keys=True, separators=(',', ':'), ensure_ascii=False)}\n"
    signer = services.keys.material.signer
    return Overdrachtspakket(
        tekst, signer.note_signature_line(tekst.encode("utf-8")), signer.verifier.verifier_key, uitgifte
    )


def verifieer_pakket(sleutel: str, tekst: str, handtekening: str) -> dict[str, Any]:
    """Check a package against a verifier key and return its content (what a receiving region does).

    Raises:
        CryptoError: the key, the signature line or the signature is not valid, or the text is not a package.
    """
    try:
        verifier = CheckpointVerifier.from_verifier_key(sleutel)
    except KeyMaterialError:
        raise CryptoError from None
    parts = handtekening.rstrip("\n").split(" ")
    if len(parts) != 3 or parts[0] != "\u2014" or parts[1] != verifier.name:
        raise CryptoError
    try:
        signature = base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError from None
    verifier.verify_note_signature(tekst.encode("utf-8"), signature)
    kop, _, rest = tekst.partition("\n")
    if kop != FORMAAT or not rest.endswith("\n"):
        raise CryptoError
    inhoud: dict[str, Any] = json.loads(rest)
    return inhoud


def _inhoud(
    casus: Casus, uitgifte: Uitgifte, van: str, van_oin: str, naar: str, naar_oin: str, now: dt.datetime
) -> dict[str, Any]:
    record = uitgifte.verstrekking
    return {
        "van": {"partner": van, "oin": van_oin},
        "naar": {"partner": naar, "oin": naar_oin},
        "opgemaaktOp": now.isoformat(),
        "casus": {
            "id": casus.id,
            "casustype": casus.casustype.value,
            "fase": casus.fase.value,
            "gemeente": casus.gemeente,
            "onderwerp": casus.hoofdonderwerp,
            "nevenonderwerpen": list(casus.nevenonderwerpen),
            "aangemeldOp": casus.aangemeld_op.isoformat(),
            "afgeslotenOp": casus.afgesloten_op.isoformat() if casus.afgesloten_op else None,
        },
        **inhoud(uitgifte),
        "verstrekking": {
            "id": record.id,
            "beleidsversie": record.beleidsversie,
            "logIndex": uitgifte.bewijs.log_index,
            "bladHash": blad_hash(uitgifte.bewijs),
        },
    }
