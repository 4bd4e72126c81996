"""An installation as an operator's commands set it up: the database schema, and telling a configuration
problem (to be fixed by the operator) from a fault (a bug, to be reported with its traceback).

Invariants:
- The schema is changed only by the migrations that ship with the package, up to the newest, in one
  transaction per step; nothing here writes data.
- `configuratiefout` recognises exactly the errors raised while settings, convenant files, key material or
  policy files are read and validated; its message names what is wrong (a setting, a file and line, a key by
  its path) and never a secret or a field value. A database fault (`DatabaseNietBeschikbaarError`: the
  database unreachable, read-only, locked) is named too, so a command ends with a clear message instead of a
  traceback. Every other error is not a configuration problem.
"""

from __future__ import annotations

from service.access import PolicyError
from service.adapters.migrate import current_revision, upgrade
from service.convenant import ConvenantError
from service.crypto import KeyMaterialError
from service.domain.errors import DatabaseNietBeschikbaarError
from service.service_layer.services import Services
from service.settings import SettingsError


def schema_bijwerken(services: Services) -> str | None:
    """Apply the migrations up to the newest; returns the schema revision the database is at afterwards.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database cannot be reached or a migration fails (nothing of that
            step is applied).
    """
    upgrade(services.engine)
    return current_revision(services.engine)


def database_omschrijving(services: Services) -> str:
    """The database the services use, as a URL with any password hidden (safe to print)."""
    return services.engine.url.render_as_string(hide_password=True)


def configuratiefout(exc: BaseException) -> str | None:
    """The message for the operator when `exc` is a configuration problem, or None when it is not one.

    A policy error lists every problem, one per line after its summary. Never raises.
    """
    if isinstance(exc, (SettingsError, ConvenantError, KeyMaterialError)):
        return str(exc)
    if isinstance(exc, DatabaseNietBeschikbaarError):
        return f"{exc} (is the database reachable and writable?)"
    if isinstance(exc, PolicyError):
        return "\n  - ".join([str(exc), *exc.problems])
    return None
