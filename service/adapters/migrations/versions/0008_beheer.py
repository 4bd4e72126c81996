"""Beheer: proposals to change the field policy or the convenant, approved by a second beheerder.

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beheervoorstellen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("soort", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.Column("voorgesteld_door", sa.String(32), nullable=False),
        sa.Column("voorgesteld_op", UTCDateTime(), nullable=False),
        sa.Column("basisversie", sa.String(64), nullable=True),
        sa.Column("versie", sa.String(64), nullable=True),
        sa.Column("partner_id", sa.String(80), nullable=True),
        sa.Column("beoordeeld_door", sa.String(32), nullable=True),
        sa.Column("beoordeeld_op", UTCDateTime(), nullable=True),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["versie"], ["beleidsversies.versie"], name="fk_beheervoorstellen_versie_beleidsversies"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_beheervoorstellen_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_beheervoorstellen"),
    )
    op.create_index("ix_beheervoorstellen_status", "beheervoorstellen", ["status"])


def downgrade() -> None:
    op.drop_index("ix_beheervoorstellen_status", table_name="beheervoorstellen")
    op.drop_table("beheervoorstellen")
