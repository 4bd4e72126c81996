"""The tables, as typed SQLAlchemy 2 declarative rows. Alembic migrations mirror these exactly (tested).

One module per area (`casus`, `beheer`, `log`, `routeeroverleg`) on one `Base`; importing this package
registers every table on `Base.metadata`, which Alembic and the mirror test read.
"""

from service.adapters.orm.base import NAMING, Base, UTCDateTime
from service.adapters.orm.beheer import (
    BeheervoorstelRow,
    BeleidsactiveringRow,
    BeleidsregelRow,
    BeleidsversieRow,
    ConvenantactiveringRow,
    ConvenantversieRow,
)
from service.adapters.orm.casus import (
    BetrokkeneRow,
    BijdrageRow,
    CasusRow,
    CasusSleutelRow,
    DeelnameRow,
    GebeurtenisRow,
    GebruikerRow,
    PartnerRow,
    VeldwaardeRow,
    WebsessieRow,
)
from service.adapters.orm.log import (
    CheckpointRow,
    IntegriteitscontroleRow,
    LoghoofdRow,
    LogknoopRow,
    VerantwoordingIndexRow,
    VerstrekkingBetrokkeneRow,
    VerstrekkingGrondslagRow,
    VerstrekkingRow,
)
from service.adapters.orm.routeeroverleg import RouteerMatchRow, RouteerSignaalRow, RouteerSlotRow

__all__ = [
    "NAMING",
    "Base",
    "BeheervoorstelRow",
    "BeleidsactiveringRow",
    "BeleidsregelRow",
    "BeleidsversieRow",
    "BetrokkeneRow",
    "BijdrageRow",
    "CasusRow",
    "CasusSleutelRow",
    "CheckpointRow",
    "ConvenantactiveringRow",
    "ConvenantversieRow",
    "DeelnameRow",
    "GebeurtenisRow",
    "GebruikerRow",
    "IntegriteitscontroleRow",
    "LoghoofdRow",
    "LogknoopRow",
    "PartnerRow",
    "RouteerMatchRow",
    "RouteerSignaalRow",
    "RouteerSlotRow",
    "UTCDateTime",
    "VeldwaardeRow",
    "VerantwoordingIndexRow",
    "VerstrekkingBetrokkeneRow",
    "VerstrekkingGrondslagRow",
    "VerstrekkingRow",
    "WebsessieRow",
]
