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
from pathlib import Path
from typing import ClassVar

from service.access import Access, Policy, PolicyError, load_policy, policy_from_rows
from service.adapters.policy_store import BeleidRepository
from service.domain.casus import utcnow
from service.domain.convenant import Convenant
from service.domain.errors import GeenBeleidError
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


def active_access(services: Services, beleid: BeleidRepository) -> Access:
    """The compiled table of the version active now, read in the caller's transaction.

    Raises:
        GeenBeleidError: no version was ever activated, or the active one no longer fits the convenant.
    """
    versie = beleid.active_version()
    if versie is None:
        raise GeenBeleidError("no field policy is active: nothing is shared")

    def load() -> Policy:
        stored = beleid.load(versie)
        if stored is None:
            raise GeenBeleidError("the active field policy version is missing")
        try:
            policy = policy_from_rows(stored.model, stored.lines, services.convenant)
        except PolicyError:
            raise GeenBeleidError("the active field policy does not fit the convenant: nothing is shared") from None
        if policy.version != versie:
            raise GeenBeleidError("the stored field policy does not match its version hash")
        return policy

    return CompiledPolicies.get(versie, services.convenant, services.convenant_fingerprint, load)


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
