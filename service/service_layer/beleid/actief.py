"""The active field policy: installed from `policies/`, stored by version, compiled once per version.

Invariants:
- The database is the only truth about which version is active. A request reads the active version in its own
  transaction and is answered from the table compiled for exactly that version; the compiled table is a cache
  keyed by (version, convenant), never a source of truth, so activating a version in one worker takes effect
  in every worker for the next request (DESIGN: no worker-local truth).
- A stored version is validated against the convenant again when it is compiled; an invalid or missing active
  version shares nothing (`GeenBeleidError`), never everything.
- Swapping is atomic: a request holds one immutable `Access` from start to end; a newly compiled table is put
  in the cache by reference.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from service.access import MODEL_FILE, Access, Policy, PolicyError, load_policy, policy_from_rows
from service.adapters.policy_store import Activering, Versie
from service.domain.casus import utcnow
from service.domain.convenant import Convenant
from service.domain.errors import GeenBeleidError
from service.service_layer.beleid.invoer import bestand_van
from service.service_layer.ports import Beleid
from service.service_layer.register.bron import Stand
from service.service_layer.services import Services

INSTALLATIE = "installatie"


class CompiledPolicies:
    """Compiled tables per (policy version, convenant), shared by all apps in this process; bounded."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _cache: ClassVar[OrderedDict[tuple[str, str], Access]] = OrderedDict()
    MAX_VERSIONS: ClassVar[int] = 8

    @classmethod
    def clear(cls) -> None:
        """Forget every compiled table (as a freshly started worker would)."""
        with cls._lock:
            cls._cache.clear()

    @classmethod
    def get(cls, versie: str, convenant: Convenant, fingerprint: str, load: Callable[[], Policy]) -> Access:
        """The table of `versie` over `convenant` (whose `convenant_fingerprint` is `fingerprint`)."""
        key = (versie, fingerprint)
        with cls._lock:
            found = cls._cache.get(key)
            if found is not None:
                cls._cache.move_to_end(key)
                return found
            # Compiling under the lock: concurrent first requests compile once (≈0.1 s for the demo policy).
            access = Access.compile(load(), convenant)
            cls._cache[key] = access
            while len(cls._cache) > cls.MAX_VERSIONS:
                cls._cache.popitem(last=False)
            return access


def active_access(services: Services, beleid: Beleid) -> Access:
    """The compiled table of the version active now, read in the caller's transaction.

    Raises:
        GeenBeleidError: no version was ever activated, or the active one no longer fits the convenant.
    """
    versie = beleid.active_version()
    if versie is None:
        raise GeenBeleidError("no field policy is active: nothing is shared")
    return compiled(services, beleid, versie)


def compiled(services: Services, beleid: Beleid, versie: str, stand: Stand | None = None) -> Access:
    """The compiled table of a stored version under the convenant in force, or under `stand` (a diff of a
    convenant proposal compiles the same policy under the proposed version), cached per both.

    Raises:
        GeenBeleidError: the version is missing, no longer fits the convenant, or does not match its hash.
    """

    stand = stand or services.convenanten.huidig()

    def load() -> Policy:
        stored = beleid.load(versie)
        if stored is None:
            raise GeenBeleidError("the field policy version is missing")
        try:
            policy = policy_from_rows(stored.model, stored.lines, stand.convenant)
        except PolicyError:
            raise GeenBeleidError("the field policy version does not fit the convenant: nothing is shared") from None
        if policy.version != versie:
            raise GeenBeleidError("the stored field policy does not match its version hash")
        return policy

    return CompiledPolicies.get(versie, stand.convenant, stand.fingerprint, load)


def installeer(
    services: Services,
    directory: Path,
    *,
    activeer: str = "als-geen",
    door: str = INSTALLATIE,
    now: dt.datetime | None = None,
) -> tuple[Policy, bool]:
    """Store the policy of `directory` as a version; activate it if `activeer` says so.

    `activeer`: "als-geen" (only when no version is active yet: a new installation), "altijd" (development:
    the demo follows the files), or "nooit". Returns the policy and whether it was activated now.

    Raises:
        PolicyError: the files are invalid (every problem listed).
    """
    policy = load_policy(directory, services.convenant)
    now = now or utcnow()
    with services.uow() as uow:
        uow.beleid.store(
            policy.version,
            policy.model_text,
            [(line.source, line.values()) for line in policy.lines],
            f"{directory.name}/ ({door})",
            now,
        )
        active = uow.beleid.active_version()
        activate = active != policy.version and (activeer == "altijd" or (activeer == "als-geen" and active is None))
        if activate:
            uow.beleid.activate(policy.version, door, f"versie uit {directory.name}/", now)
        uow.commit()
    return policy, activate


@dataclass(frozen=True, slots=True)
class Overzicht:
    """The stored versions (kept forever), the active one and every activation."""

    actief: str | None
    versies: list[Versie]
    activeringen: list[Activering]


def overzicht(services: Services) -> Overzicht:
    with services.uow() as uow:
        return Overzicht(uow.beleid.active_version(), uow.beleid.versions(), uow.beleid.activations())


EXPORT_HEADER = (
    "# Field policy exported by 'deelpoort policy export': the active version {versie}.\n"
    "# Change it through a proposal (POST /v1/beleid/voorstellen) approved by a second beheerder.\n"
)


def exporteer(services: Services, directory: Path) -> tuple[str, list[str], list[str]]:
    """Write the active version to `directory` as `model.conf` and one CSV per file it came from, and remove
    other `*.csv` there, so that the directory loads as exactly the active version (checked after writing).

    Returns (version, files written, files removed).

    Raises:
        GeenBeleidError: no version is active, or the written files do not load as the active version.
    """
    with services.uow() as uow:
        versie = uow.beleid.active_version()
        stored = uow.beleid.load(versie) if versie is not None else None
    if versie is None or stored is None:
        raise GeenBeleidError("no field policy is active: nothing to export")
    by_file: dict[str, list[str]] = {}
    for bron, values in stored.lines:
        by_file.setdefault(bestand_van(bron), []).append("p, " + ", ".join(values))
    directory.mkdir(parents=True, exist_ok=True)
    removed = sorted(p.name for p in directory.glob("*.csv") if p.name not in by_file)
    for name in removed:
        (directory / name).unlink()
    (directory / MODEL_FILE).write_text(stored.model, encoding="utf-8")
    for name, lines in by_file.items():
        (directory / name).write_text(EXPORT_HEADER.format(versie=versie) + "\n".join(lines) + "\n", encoding="utf-8")
    try:
        written = load_policy(directory, services.convenant).version
    except PolicyError:
        written = None
    if written != versie:
        raise GeenBeleidError("the exported files do not load as the active version")
    return versie, sorted(by_file), removed
