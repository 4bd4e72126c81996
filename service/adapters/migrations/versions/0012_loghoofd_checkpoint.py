"""The log head keeps the latest checkpoint's size and time (`loghoofd.checkpoint_grootte`, `.checkpoint_tijd`),
written with each checkpoint under the head's lock: the group-commit writer reads them with the lock itself
instead of querying `checkpoints` for every batch. Filled from the checkpoints already signed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("loghoofd", sa.Column("checkpoint_grootte", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("loghoofd", sa.Column("checkpoint_tijd", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE loghoofd SET"
        " checkpoint_grootte = COALESCE((SELECT max(grootte) FROM checkpoints), 0),"
        " checkpoint_tijd = (SELECT tijd FROM checkpoints ORDER BY grootte DESC LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("loghoofd") as batch:
        batch.drop_column("checkpoint_tijd")
        batch.drop_column("checkpoint_grootte")
