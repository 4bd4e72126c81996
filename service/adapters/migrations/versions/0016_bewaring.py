"""Retention you can see (issue 21, item 7): a proposal to destroy one casus early (`beheervoorstellen.casus_id`,
soort casus-vernietiging), and no blind index left for a destroyed casus's betrokkenen.

Before this revision a destruction kept the betrokkenen's BSN blind index, so an access request by BSN still
found the person in the log. The upgrade deletes it for every casus already destroyed. The derived lookup rows
(`verstrekking_betrokkenen`) of those older destructions stay: their log records do not name the betrokkenen to
forget (`vergeten`), and `audit verify` checks the rows against what the log says (docs/bewaring.md).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("beheervoorstellen") as batch:
        batch.add_column(sa.Column("casus_id", sa.String(32), nullable=True))
    op.execute(
        "UPDATE betrokkenen SET bsn_index = NULL"
        " WHERE casus_id IN (SELECT id FROM casussen WHERE vernietigd_op IS NOT NULL)"
    )


def downgrade() -> None:
    # A deleted blind index cannot come back (that is the point); only the column goes.
    op.execute("DELETE FROM beheervoorstellen WHERE casus_id IS NOT NULL")
    with op.batch_alter_table("beheervoorstellen") as batch:
        batch.drop_column("casus_id")
