"""The witnesses of this log and the policy over them: read from the YAML file `DEELPOORT_GETUIGEN_BESTAND`
names (format: `docs/getuige.md`, "De log: getuigen instellen").

    quorum: 2                        # a checkpoint counts as witnessed when this many witnesses cosigned it
    max_achterstand_seconden: 300    # a checkpoint not witnessed by the quorum within this time is an alarm
    interval_seconden: 2             # how often the sender looks for a new checkpoint (and signs the tail)
    getuigen:
      - url: https://getuige.fg.zvh-drenthe.example
        vkey: getuige.fg.zvh-drenthe.example+1a2b3c4d+BA...=

Invariants:
- The file is read and validated once, at start; a problem names the file and the entry, and the service does
  not start with a bad file. Unknown entries and duplicate keys are refused.
- A witness is known by its vkey (C2SP tlog-cosignature, Ed25519, type 0x04): its name is the vkey's; two
  witnesses may not share a name or a URL. `1 <= quorum <= number of witnesses`.
- URLs are absolute http(s) URLs without query or fragment; https in production.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from service.adapters.getuigen_http import Antwoord
from service.crypto import KeyMaterialError
from service.crypto.cosigning import CosignatureVerifier
from service.service_layer import strikte_yaml

MAX_URL = 300


class GetuigenInrichtingError(ValueError):
    """The witness set-up is invalid; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Getuige:
    """One witness: where it listens (its submission and monitoring prefix) and its public key."""

    url: str
    verifier: CosignatureVerifier

    @property
    def naam(self) -> str:
        return self.verifier.name


@dataclass(frozen=True, slots=True)
class GetuigenInrichting:
    """The validated set-up: the witnesses, how many must cosign, how late that may be, how often to send."""

    getuigen: tuple[Getuige, ...]
    quorum: int
    max_achterstand: dt.timedelta = dt.timedelta(minutes=5)
    interval_seconden: float = 2.0


class GetuigenClient(Protocol):
    """The witnesses over the network (`adapters.getuigen_http.HttpGetuigen`); raises GetuigeOnbereikbaarError."""

    def add_checkpoint(self, url: str, body: bytes) -> Antwoord: ...
    def checkpoint(self, url: str, origin: str) -> Antwoord: ...


@dataclass(frozen=True, slots=True)
class GetuigenDienst:
    """The witnesses of this log (from `DEELPOORT_GETUIGEN_BESTAND`) and how to reach them."""

    inrichting: GetuigenInrichting
    client: GetuigenClient


def lees_getuigen_bestand(path: Path, *, production: bool) -> GetuigenInrichting:
    """Read and validate the set-up file `path`.

    Raises:
        GetuigenInrichtingError: the file cannot be read, is not YAML, or an entry is missing, unknown or invalid.
    """
    try:
        document = strikte_yaml.lees(path)
    except strikte_yaml.YamlBestandError as error:
        raise GetuigenInrichtingError(str(error)) from None
    return parse_getuigen_inrichting(document, production=production, bron=str(path))


def parse_getuigen_inrichting(
    document: object, *, production: bool, bron: str = "witness set-up"
) -> GetuigenInrichting:
    """Validate a decoded set-up document (see `lees_getuigen_bestand`)."""

    def fout(where: str, message: str) -> GetuigenInrichtingError:
        return GetuigenInrichtingError(f"{bron}: {where}: {message}")

    if not isinstance(document, Mapping) or not all(isinstance(k, str) for k in document):
        raise fout("the file", "must be a mapping with text keys")
    known = {"quorum", "max_achterstand_seconden", "interval_seconden", "getuigen"}
    unknown = sorted(set(document) - known)
    if unknown:
        raise fout("the file", f"unknown entry {unknown[0]!r} (known: {', '.join(sorted(known))})")
    entries = document.get("getuigen")
    if not isinstance(entries, list) or not entries:
        raise fout("getuigen", "required, a list of at least one witness (url, vkey)")
    getuigen = [_getuige(entry, f"getuigen[{i}]", production, fout) for i, entry in enumerate(entries)]
    for attribute in ("naam", "url"):
        values = [getattr(g, attribute) for g in getuigen]
        double = next((v for v in values if values.count(v) > 1), None)
        if double is not None:
            raise fout("getuigen", f"two witnesses with the same {attribute} {double!r}")
    quorum = _number(document.get("quorum", 1), "quorum", fout, integer=True)
    if not 1 <= quorum <= len(getuigen):
        raise fout("quorum", f"must be between 1 and the number of witnesses ({len(getuigen)})")
    achterstand = _number(document.get("max_achterstand_seconden", 300), "max_achterstand_seconden", fout)
    interval = _number(document.get("interval_seconden", 2), "interval_seconden", fout)
    if interval > achterstand:
        raise fout("interval_seconden", "must not exceed max_achterstand_seconden")
    return GetuigenInrichting(tuple(getuigen), int(quorum), dt.timedelta(seconds=achterstand), float(interval))


def _getuige(entry: object, where: str, production: bool, fout: Any) -> Getuige:
    if not isinstance(entry, Mapping):
        raise fout(where, "must be a mapping with url and vkey")
    unknown = sorted(set(entry) - {"url", "vkey"})
    if unknown:
        raise fout(where, f"unknown entry {unknown[0]!r} (known: url, vkey)")
    url = entry.get("url")
    probleem = strikte_yaml.url_probleem(url, production=production, max_lengte=MAX_URL)
    if probleem is not None:
        raise fout(f"{where}.url", probleem)
    vkey = entry.get("vkey")
    if not isinstance(vkey, str):
        raise fout(f"{where}.vkey", "required, the witness's verifier key (name+hash+base64)")
    try:
        verifier = CosignatureVerifier.from_verifier_key(vkey)
    except KeyMaterialError as exc:
        raise fout(f"{where}.vkey", str(exc)) from None
    return Getuige(str(url).rstrip("/"), verifier)


def _number(value: object, where: str, fout: Any, *, integer: bool = False) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value <= 0
        or (integer and not isinstance(value, int))
    ):
        raise fout(where, "must be a positive " + ("whole number" if integer else "number"))
    return float(value) if not integer else value
