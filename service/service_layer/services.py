"""What the entry points (api, web, cli) are handed by the composition root: the chosen concrete parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from service.adapters.casus_keys import CasusKeys
from service.domain.convenant import Convenant
from service.domain.routeeroverleg import RouteerInstellingen
from service.service_layer.logboek.schrijver import VerstrekkingLog
from service.service_layer.register.bron import ConvenantBron
from service.service_layer.unit_of_work import UnitOfWork, session_factory


@dataclass(frozen=True)
class Services:
    convenanten: ConvenantBron
    engine: Engine
    keys: CasusKeys
    log: VerstrekkingLog
    production: bool
    routeeroverleg: RouteerInstellingen = field(default_factory=RouteerInstellingen)

    @property
    def convenant(self) -> Convenant:
        """The convenant in force for this request (see `ConvenantBron`): read once per request."""
        return self.convenanten.huidig().convenant

    @property
    def convenant_fingerprint(self) -> str:
        """The key (with the policy version) of the compiled tables of the convenant in force."""
        return self.convenanten.huidig().fingerprint

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
