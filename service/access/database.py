"""Reading a stored policy version back through sqlalchemy-adapter, as plain Casbin sees it.

The service compiles its decision table from the stored lines with their provenance (`policy_from_rows`). This
module gives the independent reading: Casbin's own adapter loads the same rows into a plain `Enforcer`, and
tests prove the two agree, so what the database holds is what Casbin would enforce.

Traps handled here:
- sqlalchemy-adapter's default `CasbinRule` table has v0..v5 only, and our lines have seven values; the rule
  class (with v6 and a version column) is handed in by the composition root, and its table is owned by Alembic
  (`create_table=False`: the adapter never creates or alters tables).
- The adapter's `load_policy` reads the whole table; one table holds every version, so loading is filtered by
  version and ordered by id (the order of the lines is part of the policy).
- Versions are immutable: every write method of the adapter refuses.
"""

from __future__ import annotations

from typing import Any

import casbin
from casbin import persist
from casbin.model import Model
from sqlalchemy_adapter import Adapter

from service.access.policy import Policy


class VersionAdapter(Adapter):  # type: ignore[misc]
    """sqlalchemy-adapter reading the lines of one stored version, read-only."""

    def __init__(self, engine: Any, db_class: Any, versie: str) -> None:
        super().__init__(engine, db_class=db_class, create_table=False)
        self._versie = versie

    def load_policy(self, model: Model) -> None:
        with self._session_scope() as session:
            rows = session.query(self._db_class).filter(self._db_class.versie == self._versie)
            for row in rows.order_by(self._db_class.id):
                persist.load_policy_line(str(row), model)

    def _read_only(self, *args: Any, **kwargs: Any) -> bool:
        raise PermissionError("stored policy versions are immutable; propose a new version instead")

    load_filtered_policy = save_policy = add_policy = add_policies = remove_policy = remove_policies = _read_only
    remove_filtered_policy = update_policy = update_policies = update_filtered_policies = _read_only


def database_enforcer(engine: Any, db_class: Any, policy: Policy) -> casbin.Enforcer:
    """A plain Enforcer over `policy.version` as stored, with the convenant's role links added in memory."""
    model = Model()
    model.load_model_from_text(policy.model_text)
    enforcer = casbin.Enforcer(model, VersionAdapter(engine, db_class, policy.version))
    enforcer.enable_auto_save(False)  # the links come from the convenant and are never written back
    enforcer.add_named_grouping_policies("g", [list(link) for link in policy.partner_links])
    enforcer.add_named_grouping_policies("g2", [list(link) for link in policy.veld_links])
    return enforcer
