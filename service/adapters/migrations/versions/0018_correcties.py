"""Correctie and verwijdering (issue 21, item 3): `correctieverzoeken`, one per casus and bron partner, with
ids, veld names and codes only (never a value, a BSN or a free text).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correctieverzoeken",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("aanvraag", sa.String(32), nullable=False),
        sa.Column("soort", sa.String(16), nullable=False),
        sa.Column("regime", sa.String(16), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("betrokkenen", sa.Text(), nullable=False),
        sa.Column("plaatsen", sa.Text(), nullable=False),
        sa.Column("bron", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ontvangen_op", UTCDateTime(), nullable=False),
        sa.Column("doorgestuurd_op", UTCDateTime(), nullable=True),
        sa.Column("ingediend_door", sa.String(32), nullable=False),
        sa.Column("ingediend_partner", sa.String(80), nullable=False),
        sa.Column("afgehandeld_op", UTCDateTime(), nullable=True),
        sa.Column("afgehandeld_door", sa.String(32), nullable=True),
        sa.Column("resultaat", sa.String(16), nullable=True),
        sa.Column("reden", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_correctieverzoeken"),
    )
    op.create_index("ix_correctieverzoeken_bron_status", "correctieverzoeken", ["bron", "status"])


def downgrade() -> None:
    op.drop_index("ix_correctieverzoeken_bron_status", table_name="correctieverzoeken")
    op.drop_table("correctieverzoeken")
