"""Key management use cases: rotation (rewrap every data key of a regime) and retiring an old KEK version.

Invariants:
- Rotation rewraps data keys (one per casus), never field values, in batches that each commit on their own:
  an interrupted rotation resumes where it stopped, and readers always find a key they can unwrap (the old
  wrapped form until its batch commits, the new one after).
- A KEK version is retired only when no data key is wrapped under it any more.
"""

from __future__ import annotations

from collections.abc import Callable

from service.domain.casus import utcnow
from service.domain.convenant import Regime
from service.domain.errors import ConflictError
from service.service_layer.services import Services


def key_versions(services: Services, regime: Regime) -> dict[int, int]:
    """How many data keys each KEK version of `regime` wraps."""
    with services.uow() as uow:
        return uow.veldwaarden.key_versions(regime)


def rewrap_all(
    services: Services, regime: Regime, *, batch_size: int = 500, progress: Callable[[int], None] | None = None
) -> int:
    """Rewrap every data key of `regime` that is not under the primary KEK version; returns how many.

    Raises:
        CryptoError: a stored wrapped key does not unwrap (it is left as it was).
        ConflictError: a batch changed nothing although keys remain (another rotation with other key material).
    """
    total = 0
    while True:
        with services.uow() as uow:
            changed = uow.veldwaarden.rewrap_batch(regime, batch_size, utcnow())
            uow.commit()
        if changed == 0:
            remaining = sum(
                n for v, n in key_versions(services, regime).items() if v != services.keys.primary_version(regime)
            )
            if remaining:
                raise ConflictError(f"{remaining} data key(s) could not be rewrapped; is another rotation running?")
            return total
        total += changed
        if progress is not None:
            progress(changed)


def check_retirable(services: Services, regime: Regime, version: int) -> None:
    """Refuse to retire `version` while any data key is wrapped under it.

    Raises:
        ConflictError: data keys still use the version, or it is the primary version.
    """
    if version == services.keys.primary_version(regime):
        raise ConflictError(f"KEK version {version} of {regime.value} is the primary version")
    still = key_versions(services, regime).get(version, 0)
    if still:
        raise ConflictError(
            f"{still} data key(s) of {regime.value} are still wrapped under KEK version {version}; "
            "run `deelpoort keys rotate --rewrap-only` first"
        )
