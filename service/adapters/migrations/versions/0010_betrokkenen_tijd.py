"""The time of each record in `verstrekking_betrokkenen`, so the first page of an access request is chosen in
the derived table and only that page's records are read (issue 9: person queries at 10M records).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("verstrekking_betrokkenen") as batch:
        batch.add_column(sa.Column("tijd", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE verstrekking_betrokkenen SET tijd = (SELECT v.tijd FROM verstrekkingen v "
        "WHERE v.log_index = verstrekking_betrokkenen.log_index)"
    )
    with op.batch_alter_table("verstrekking_betrokkenen") as batch:
        batch.alter_column("tijd", existing_type=UTCDateTime(), nullable=False)
    op.create_index(
        "ix_verstrekking_betrokkenen_tijd", "verstrekking_betrokkenen", ["betrokkene_id", "tijd", "log_index"]
    )


def downgrade() -> None:
    op.drop_index("ix_verstrekking_betrokkenen_tijd", table_name="verstrekking_betrokkenen")
    with op.batch_alter_table("verstrekking_betrokkenen") as batch:
        batch.drop_column("tijd")
