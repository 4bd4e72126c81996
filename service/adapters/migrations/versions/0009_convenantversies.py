"""Convenant versions in the database: the convenant files are the seed, changes go through four eyes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "convenantversies",
        sa.Column("versie", sa.String(64), nullable=False),
        sa.Column("documenten", sa.Text(), nullable=False),
        sa.Column("herkomst", sa.String(200), nullable=False),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("versie", name="pk_convenantversies"),
    )
    op.create_table(
        "convenantactiveringen",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("versie", sa.String(64), nullable=False),
        sa.Column("geactiveerd_op", UTCDateTime(), nullable=False),
        sa.Column("door", sa.String(120), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["versie"], ["convenantversies.versie"], name="fk_convenantactiveringen_versie_convenantversies"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_convenantactiveringen"),
    )
    with op.batch_alter_table("beheervoorstellen") as batch:
        batch.add_column(sa.Column("convenantbasis", sa.String(64), nullable=True))
        batch.add_column(sa.Column("convenantversie", sa.String(64), nullable=True))
        batch.create_foreign_key(
            "fk_beheervoorstellen_convenantversie_convenantversies",
            "convenantversies",
            ["convenantversie"],
            ["versie"],
        )


def downgrade() -> None:
    with op.batch_alter_table("beheervoorstellen") as batch:
        batch.drop_constraint("fk_beheervoorstellen_convenantversie_convenantversies", type_="foreignkey")
        batch.drop_column("convenantversie")
        batch.drop_column("convenantbasis")
    op.drop_table("convenantactiveringen")
    op.drop_table("convenantversies")
