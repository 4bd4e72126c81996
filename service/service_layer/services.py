"""What the entry points (api, web, cli) are handed by the composition root: the chosen concrete parts.

Invariant: every use case gets its unit of work from `Services.uow()`, and its log writer from `Services.log`;
a test can hand in both (`unit_of_work=`, `log=`) and run a use case without a database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from service.adapters.casus_keys import CasusKeys
from service.domain.convenant import Convenant
from service.domain.identiteit import Levensduur
from service.domain.routeeroverleg import RouteerInstellingen
from service.service_layer.herstel.journaal import Vernietigingsjournaal
from service.service_layer.identiteit.oidc_inrichting import OidcDienst
from service.service_layer.logboek.getuigen_inrichting import GetuigenDienst
from service.service_layer.ports import LogWriter
from service.service_layer.register.bron import ConvenantBron
from service.service_layer.unit_of_work import SqlAlchemyUnitOfWork, UnitOfWork, session_factory
from service.service_layer.waarneming.meter import GeenMeter, Meter


@dataclass(frozen=True)
class Services:
    convenanten: ConvenantBron
    engine: Engine
    keys: CasusKeys
    log: LogWriter
    production: bool
    routeeroverleg: RouteerInstellingen = field(default_factory=RouteerInstellingen)
    levensduur: Levensduur = field(default_factory=Levensduur)  # of new bearer tokens, per soort
    oidc: OidcDienst | None = None  # people's login through their partner's OpenID Provider; None: not set up
    getuigen: GetuigenDienst | None = None  # the log's witnesses (DEELPOORT_GETUIGEN_BESTAND); None: none set up
    # The destruction journal outside the database (DEELPOORT_VERNIETIGINGSJOURNAAL); None: none set up
    # (development only: production requires one).
    journaal: Vernietigingsjournaal | None = None
    # Where `uow()` gets a unit of work; None (the service): a SqlAlchemyUnitOfWork on `engine`.
    unit_of_work: Callable[[], UnitOfWork] | None = None
    # What is counted (service_layer/waarneming): Prometheus in a serving app (`create_app`), nothing elsewhere.
    meter: Meter = field(default_factory=GeenMeter)

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
        """A new unit of work (not begun: use it as `with services.uow() as uow:`)."""
        if self.unit_of_work is not None:
            return self.unit_of_work()
        return SqlAlchemyUnitOfWork(self.engine, self.keys, self._sessions)

    def herstel_bezig(self) -> bool:
        """True while a restore has not finished (`herstel`): the service must not open. Raises what the
        database raises when it cannot be asked (`herstelmarkering.bezig`)."""
        from service.adapters.herstelmarkering import bezig

        return bezig(self.engine)

    def database_ok(self) -> bool:
        """True when the database answers a trivial query (for the status endpoint)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True
