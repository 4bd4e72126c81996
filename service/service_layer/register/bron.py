"""The convenant in force, read from the database once per request (DESIGN invariant 8: no worker-local truth).

Invariants:
- Within a request (between `begin_verzoek` and `einde_verzoek`), every use sees the one version that was in
  force when the request began: an activation by another worker reaches the next request, never half of one.
- Outside requests (the CLI, tests calling use cases directly) the newest version this process has read is
  used; `ververs` reads it again (called after an approval in this process).
- A stored version is used only when its documents hash to its id and load exactly like the files; otherwise
  `GeenConvenantError`: nothing is decided on a convenant that was altered in the database.
- Before any version was stored (a new installation before `deelpoort db upgrade` stored the files), the
  convenant files the service started with are in force.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass

from service.access import convenant_fingerprint
from service.convenant import ConvenantError
from service.convenant.versies import Documenten, laad
from service.convenant.versies import versie as versie_van
from service.domain.convenant import Convenant
from service.domain.errors import NietBeschikbaarError


class GeenConvenantError(NietBeschikbaarError):
    """The stored convenant version in force is missing or altered: nothing may be decided (503)."""


@dataclass(frozen=True, slots=True)
class Stand:
    """One convenant version, loaded: its id, the registry and the fingerprint its compiled tables are keyed by."""

    versie: str
    convenant: Convenant
    fingerprint: str


# Per request: the bron whose version this request uses, and that version once read.
_VERZOEK: ContextVar[dict[int, Stand | None] | None] = ContextVar("deelpoort_convenant_verzoek", default=None)


class ConvenantBron:
    """Where `Services.convenant` comes from."""

    MAX_VERSIES = 8

    def __init__(
        self,
        seed: Convenant,
        seed_documenten: Documenten,
        lees_actief: Callable[[], str | None],
        laad_documenten: Callable[[str], Documenten | None],
    ) -> None:
        seed_versie = versie_van(seed_documenten)
        self.seed_documenten: Documenten = dict(seed_documenten)
        self._seed = Stand(seed_versie, seed, convenant_fingerprint(seed))
        self._lees_actief = lees_actief
        self._laad_documenten = laad_documenten
        self._cache: OrderedDict[str, Stand] = OrderedDict({seed_versie: self._seed})
        self._laatst: Stand | None = None
        self._lock = threading.Lock()

    @property
    def seed(self) -> Stand:
        """The convenant files the service started with."""
        return self._seed

    def huidig(self) -> Stand:
        """The version in force for the current request (read once per request), or the newest read."""
        verzoek = _VERZOEK.get()
        if verzoek is None:
            return self._laatst if self._laatst is not None else self.ververs()
        stand = verzoek.get(id(self))
        if stand is None:
            stand = verzoek[id(self)] = self.ververs()
        return stand

    def ververs(self) -> Stand:
        """Read which version is in force now and load it (from the cache when loaded before).

        Raises:
            GeenConvenantError: the version in force is missing, altered or no longer loads.
        """
        versie = self._lees_actief()
        stand = self._seed if versie is None else self.stand(versie)
        self._laatst = stand
        return stand

    def stand(self, versie: str) -> Stand:
        """A stored version, loaded and checked (cached per version).

        Raises:
            GeenConvenantError: missing, not matching its id, or not loading.
        """
        with self._lock:
            found = self._cache.get(versie)
            if found is not None:
                self._cache.move_to_end(versie)
                return found
        documenten = self._laad_documenten(versie)
        if documenten is None or versie_van(documenten) != versie:
            raise GeenConvenantError("the convenant version in force is missing or altered: nothing is shared")
        try:
            convenant = laad(documenten)
        except ConvenantError:
            raise GeenConvenantError("the convenant version in force does not load: nothing is shared") from None
        stand = Stand(versie, convenant, convenant_fingerprint(convenant))
        with self._lock:
            self._cache[versie] = stand
            while len(self._cache) > self.MAX_VERSIES:
                self._cache.popitem(last=False)
        return stand


def begin_verzoek() -> Token[dict[int, Stand | None] | None]:
    """Start a request: the convenant is read on its first use and kept for the rest of the request."""
    return _VERZOEK.set({})


def einde_verzoek(token: Token[dict[int, Stand | None] | None]) -> None:
    _VERZOEK.reset(token)
