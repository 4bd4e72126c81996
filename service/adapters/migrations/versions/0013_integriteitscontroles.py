"""Stored outcomes of full verifications of the verstrekking log (`integriteitscontroles`): the FG's integrity
view reports the latest one instead of recomputing the whole log on every view.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integriteitscontroles",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("begonnen_op", UTCDateTime(), nullable=False),
        sa.Column("klaar_op", UTCDateTime(), nullable=False),
        sa.Column("bron", sa.String(16), nullable=False),
        sa.Column("gebruiker_id", sa.String(32), nullable=True),
        sa.Column("grootte", sa.Integer(), nullable=False),
        sa.Column("checkpoints", sa.Integer(), nullable=False),
        sa.Column("problemen", sa.Text(), nullable=False),
        sa.Column("eerste_fout", sa.Integer(), nullable=True),
        sa.Column("tabellen_gedekt", sa.Integer(), nullable=False),
        sa.Column("tabellen_problemen", sa.Text(), nullable=False),
        sa.Column("tabellen_eerste_fout", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_integriteitscontroles"),
    )
    op.create_index("ix_integriteitscontroles_klaar_op", "integriteitscontroles", ["klaar_op"])


def downgrade() -> None:
    op.drop_index("ix_integriteitscontroles_klaar_op", table_name="integriteitscontroles")
    op.drop_table("integriteitscontroles")
