"""What the entry points (api, web, cli) are handed by the composition root: the chosen concrete parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from service.access import convenant_fingerprint
from service.adapters.case_keys import CaseKeys
from service.adapters.group_commit import VerstrekkingLog
from service.domain.convenant import Convenant
from service.domain.routeeroverleg import RouteerInstellingen
from service.service_layer.unit_of_work import UnitOfWork, session_factory


@dataclass(frozen=True)
class Services:
    convenant: Convenant
    engine: Engine
    keys: CaseKeys
    log: VerstrekkingLog
    production: bool
    routeeroverleg: RouteerInstellingen = field(default_factory=RouteerInstellingen)

    @cached_property
    def convenant_fingerprint(self) -> str:
        """Computed once: the key (with the policy version) of this convenant's compiled tables."""
        return convenant_fingerprint(self.convenant)

    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.keys, self._sessions)

    def database_ok(self) -> bool:
        """True when the database answers a trivial query (for the status endpoint)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True
