"""Backups and restore (issue 25, point 3): `herstelstatus`, the mark "herstel bezig" that keeps the service from
starting until `deelpoort restore` has re-applied every destruction since the backup and the log verifies.

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "herstelstatus",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("begonnen_op", UTCDateTime(), nullable=False),
        sa.Column("backup_tijd", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_herstelstatus"),
    )


def downgrade() -> None:
    op.drop_table("herstelstatus")
