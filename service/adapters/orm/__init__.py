"""The tables, as typed SQLAlchemy 2 declarative rows. Alembic migrations mirror these exactly (tested).

One module per area (`advies`, `casus`, `herstel`, `identiteit`, `importeren`, `beheer`, `log`, `overleg`, `plan`,
`rechten`, `routeeroverleg`) on one `Base`; importing this package registers every table on `Base.metadata`, which
Alembic and the mirror test read.
"""

from service.adapters.orm.advies import AdviesRow
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
    CasusNevenonderwerpRow,
    CasusRow,
    CasusSleutelRow,
    DeelnameRow,
    GebeurtenisRow,
    PartnerRow,
    VeldwaardeRow,
)
from service.adapters.orm.herstel import HerstelstatusRow
from service.adapters.orm.identiteit import (
    BeveiligingssignaalRow,
    GebruikerRow,
    OidcInlogpogingRow,
    TokenpogingRow,
    TokenRow,
    WebsessieRow,
)
from service.adapters.orm.importeren import ImportsleutelRow
from service.adapters.orm.log import (
    CheckpointRow,
    CosignatuurRow,
    GetuigeStaatRow,
    IntegriteitscontroleRow,
    LoghoofdRow,
    LogknoopRow,
    VerantwoordingIndexRow,
    VerstrekkingBetrokkeneRow,
    VerstrekkingGrondslagRow,
    VerstrekkingRow,
)
from service.adapters.orm.overleg import AgendapuntRow, OverlegRow, UitnodigingRow, VerklaringRow
from service.adapters.orm.plan import AveFaseRow, OpschalingRow, PlanactieRow, PlanafspraakRow, PlandoelRow
from service.adapters.orm.rechten import BeperkingRow, CorrectieverzoekRow, UitstelRow
from service.adapters.orm.routeeroverleg import RouteerMatchRow, RouteerSignaalRow, RouteerSlotRow

__all__ = [
    "NAMING",
    "AdviesRow",
    "AgendapuntRow",
    "AveFaseRow",
    "Base",
    "BeheervoorstelRow",
    "BeleidsactiveringRow",
    "BeleidsregelRow",
    "BeleidsversieRow",
    "BeperkingRow",
    "BetrokkeneRow",
    "BeveiligingssignaalRow",
    "BijdrageRow",
    "CasusNevenonderwerpRow",
    "CasusRow",
    "CasusSleutelRow",
    "CheckpointRow",
    "ConvenantactiveringRow",
    "ConvenantversieRow",
    "CorrectieverzoekRow",
    "CosignatuurRow",
    "DeelnameRow",
    "GebeurtenisRow",
    "GebruikerRow",
    "GetuigeStaatRow",
    "HerstelstatusRow",
    "ImportsleutelRow",
    "IntegriteitscontroleRow",
    "LoghoofdRow",
    "LogknoopRow",
    "OidcInlogpogingRow",
    "OpschalingRow",
    "OverlegRow",
    "PartnerRow",
    "PlanactieRow",
    "PlanafspraakRow",
    "PlandoelRow",
    "RouteerMatchRow",
    "RouteerSignaalRow",
    "RouteerSlotRow",
    "TokenRow",
    "TokenpogingRow",
    "UTCDateTime",
    "UitnodigingRow",
    "UitstelRow",
    "VeldwaardeRow",
    "VerantwoordingIndexRow",
    "VerklaringRow",
    "VerstrekkingBetrokkeneRow",
    "VerstrekkingGrondslagRow",
    "VerstrekkingRow",
    "WebsessieRow",
]
