"""Field policy versions in the database: versions, their lines (sqlalchemy-adapter shape with v6), activations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beleidsversies",
        sa.Column("versie", sa.String(64), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("herkomst", sa.String(200), nullable=False),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("versie", name="pk_beleidsversies"),
    )
    op.create_table(
        "beleidsregels",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("versie", sa.String(64), nullable=False),
        sa.Column("bron", sa.String(200), nullable=False),
        sa.Column("ptype", sa.String(8), nullable=False),
        *(sa.Column(f"v{i}", sa.String(255), nullable=False) for i in range(7)),
        sa.ForeignKeyConstraint(["versie"], ["beleidsversies.versie"], name="fk_beleidsregels_versie_beleidsversies"),
        sa.PrimaryKeyConstraint("id", name="pk_beleidsregels"),
    )
    op.create_index("ix_beleidsregels_versie", "beleidsregels", ["versie"])
    op.create_table(
        "beleidsactiveringen",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("versie", sa.String(64), nullable=False),
        sa.Column("geactiveerd_op", UTCDateTime(), nullable=False),
        sa.Column("door", sa.String(120), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["versie"], ["beleidsversies.versie"], name="fk_beleidsactiveringen_versie_beleidsversies"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_beleidsactiveringen"),
    )


def downgrade() -> None:
    op.drop_table("beleidsactiveringen")
    op.drop_index("ix_beleidsregels_versie", table_name="beleidsregels")
    op.drop_table("beleidsregels")
    op.drop_table("beleidsversies")
