"""The unit of work: one transaction, its repositories, rolled back unless `commit()` is called.

`UnitOfWork` is the interface the use cases are typed against; `SqlAlchemyUnitOfWork` is the one the service
runs on, and `tests/unit/fakes.py` holds an in-memory one for testing use cases without a database.

Invariants (of every implementation):
- Leaving the `with` block without `commit()` rolls back everything (also on an exception).
- A database fault inside the block, or while ending it, leaves it as `DatabaseNietBeschikbaarError` (503 with
  Retry-After), never as a driver's error; the broken connection is discarded (`adapters.storingen`), so the
  next unit of work gets a working one. Any other error leaves unchanged.
- Repositories exist only inside the block; nothing outside holds a session.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.adapters.adviezen import AdviesRepository
from service.adapters.beheer_store import VoorstelRepository
from service.adapters.beveiligingssignalen import BeveiligingssignaalRepository
from service.adapters.casus_keys import CasusKeys
from service.adapters.convenant_store import ConvenantRepository
from service.adapters.gebruikers import GebruikerRepository
from service.adapters.getuigen_store import GetuigenStore
from service.adapters.historie import GebeurtenisRepository
from service.adapters.importen import ImportRepository
from service.adapters.integriteit_store import IntegriteitStore
from service.adapters.log_store import LogStore
from service.adapters.oidc_inlogpogingen import OidcInlogpogingRepository
from service.adapters.overleggen import OverlegRepository
from service.adapters.plannen import PlanRepository
from service.adapters.policy_store import BeleidRepository
from service.adapters.rechten import RechtenRepository
from service.adapters.repository import CasusRepository, PartnerRepository
from service.adapters.routeeroverleg import RouteerRepository
from service.adapters.storingen import als_storing, vertaald
from service.adapters.veldwaarden import VeldwaardeRepository
from service.adapters.verantwoording_store import VerantwoordingStore
from service.adapters.websessies import WebsessieRepository
from service.service_layer.ports import Beleid, Casussen, Historie, Routeeroverleg, Veldwaarden


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


class UnitOfWork(Protocol):
    """One transaction and the repositories that work in it.

    The repositories with an in-memory fake are typed by their interface (`service_layer.ports`); the others,
    not faked yet, by their SQLAlchemy class. They are read-only properties here so that an implementation may
    hold a more specific type.
    """

    @property
    def casussen(self) -> Casussen: ...
    @property
    def veldwaarden(self) -> Veldwaarden: ...
    @property
    def historie(self) -> Historie: ...
    @property
    def partners(self) -> PartnerRepository: ...
    @property
    def gebruikers(self) -> GebruikerRepository: ...
    @property
    def beleid(self) -> Beleid: ...
    @property
    def convenanten(self) -> ConvenantRepository: ...
    @property
    def log(self) -> LogStore: ...
    @property
    def voorstellen(self) -> VoorstelRepository: ...
    @property
    def routeeroverleg(self) -> Routeeroverleg: ...
    @property
    def verantwoording(self) -> VerantwoordingStore: ...
    @property
    def integriteit(self) -> IntegriteitStore: ...
    @property
    def websessies(self) -> WebsessieRepository: ...
    @property
    def beveiligingssignalen(self) -> BeveiligingssignaalRepository: ...
    @property
    def oidc_inlogpogingen(self) -> OidcInlogpogingRepository: ...
    @property
    def getuigen(self) -> GetuigenStore: ...
    @property
    def rechten(self) -> RechtenRepository: ...
    @property
    def adviezen(self) -> AdviesRepository: ...
    @property
    def overleggen(self) -> OverlegRepository: ...
    @property
    def plannen(self) -> PlanRepository: ...
    @property
    def importen(self) -> ImportRepository: ...

    def __enter__(self) -> Self:
        """Begin the transaction; the repositories are usable from here until the block ends."""

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed and end the transaction (also when the block raised).

        Raises:
            DatabaseNietBeschikbaarError: the block, or ending the transaction, met a database fault.
        """

    def commit(self) -> None:
        """Make everything written in this unit of work durable, at once."""

    def flush(self) -> None:
        """Send pending writes to the store without committing (constraints are checked now)."""


class SqlAlchemyUnitOfWork:
    """The unit of work on a SQLAlchemy session (SQLite or PostgreSQL)."""

    partners: PartnerRepository
    gebruikers: GebruikerRepository
    casussen: CasusRepository
    veldwaarden: VeldwaardeRepository
    beleid: BeleidRepository
    convenanten: ConvenantRepository  # convenant versions and which is in force
    historie: GebeurtenisRepository
    log: LogStore  # reading the verstrekking log; appending goes through logboek.schrijver (beheer too)
    voorstellen: VoorstelRepository
    routeeroverleg: RouteerRepository
    verantwoording: VerantwoordingStore  # the FG's queries over the log
    integriteit: IntegriteitStore  # stored outcomes of full verifications of the log
    websessies: WebsessieRepository
    beveiligingssignalen: BeveiligingssignaalRepository  # hourly counts of security signals for the FG
    oidc_inlogpogingen: OidcInlogpogingRepository  # OpenID Connect logins in progress (single use)
    getuigen: GetuigenStore  # the log's witnesses: cosignatures received, what each last cosigned
    rechten: RechtenRepository  # beperkingen and uitstellen (rights of the betrokkene)
    adviezen: AdviesRepository  # adviezen: metadata only, counted for the annual report
    overleggen: OverlegRepository  # overleggen: agenda, invitations, attendance, verklaringen
    plannen: PlanRepository  # the plan van aanpak: items as metadata, texts encrypted
    importen: ImportRepository  # which casussen imports stored (keyed hashes of the source's ids)

    def __init__(self, engine: Engine, keys: CasusKeys, factory: sessionmaker[Session] | None = None) -> None:
        self._keys = keys
        # Building a sessionmaker creates a Session subclass and its event dispatch: reuse one (Services does).
        self._factory = factory or session_factory(engine)
        self._session: Session | None = None

    def __enter__(self) -> Self:
        self._session = self._factory()
        self.partners = PartnerRepository(self._session)
        self.gebruikers = GebruikerRepository(self._session)
        self.casussen = CasusRepository(self._session)
        self.veldwaarden = VeldwaardeRepository(self._session, self._keys)
        self.beleid = BeleidRepository(self._session)
        self.convenanten = ConvenantRepository(self._session)
        self.historie = GebeurtenisRepository(self._session, self._keys)
        self.log = LogStore(self._session)
        self.voorstellen = VoorstelRepository(self._session)
        self.routeeroverleg = RouteerRepository(self._session)
        self.verantwoording = VerantwoordingStore(self._session)
        self.integriteit = IntegriteitStore(self._session)
        self.websessies = WebsessieRepository(self._session)
        self.beveiligingssignalen = BeveiligingssignaalRepository(self._session)
        self.oidc_inlogpogingen = OidcInlogpogingRepository(self._session)
        self.getuigen = GetuigenStore(self._session)
        self.rechten = RechtenRepository(self._session)
        self.adviezen = AdviesRepository(self._session)
        self.overleggen = OverlegRepository(self._session)
        self.plannen = PlanRepository(self._session, self._keys)
        self.importen = ImportRepository(self._session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._session is not None  # noqa: S101 - a programming error, not input
        session, self._session = self._session, None
        with vertaald():  # a fault while rolling back (the connection lost meanwhile) is a fault too
            try:
                session.rollback()
            finally:
                session.close()
        storing = als_storing(exc)
        if storing is not None:  # a fault of the block as the domain's error; anything else leaves unchanged
            raise storing from exc

    def commit(self) -> None:
        assert self._session is not None  # noqa: S101
        self._session.commit()

    def flush(self) -> None:
        assert self._session is not None  # noqa: S101
        self._session.flush()
