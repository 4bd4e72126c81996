"""Importing history (issue 23, item 4): `importsleutels`, one row per casus an import stored, recognised by the
keyed hash of the source system's id (never the id itself) and of the line's content.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "importsleutels",
        sa.Column("sleutel", sa.String(64), nullable=False),
        sa.Column("inhoud", sa.String(64), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("geimporteerd_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_importsleutels_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sleutel", name="pk_importsleutels"),
    )
    op.create_index("ix_importsleutels_casus_id", "importsleutels", ["casus_id"])


def downgrade() -> None:
    op.drop_index("ix_importsleutels_casus_id", table_name="importsleutels")
    op.drop_table("importsleutels")
