"""Case data encrypted at rest: casus data keys, field values, contributions, blind index, shredding.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("betrokkenen") as batch:
        batch.add_column(sa.Column("bsn_index", sa.String(64), nullable=True))
        batch.create_index("ix_betrokkenen_bsn_index", ["bsn_index"])
    with op.batch_alter_table("casussen") as batch:
        batch.add_column(sa.Column("vernietigd_op", UTCDateTime(), nullable=True))
    op.create_table(
        "casus_sleutels",
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("regime", sa.String(16), nullable=False),
        sa.Column("kek_versie", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(128), nullable=False),
        sa.Column("gewijzigd_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["casus_id"], ["casussen.id"], name="fk_casus_sleutels_casus_id_casussen"),
        sa.PrimaryKeyConstraint("casus_id", name="pk_casus_sleutels"),
    )
    op.create_index("ix_casus_sleutels_kek_versie", "casus_sleutels", ["kek_versie"])
    op.create_table(
        "veldwaarden",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("betrokkene", sa.String(32), nullable=False),
        sa.Column("veld", sa.String(80), nullable=False),
        sa.Column("waarde", sa.LargeBinary(), nullable=False),
        sa.Column("bron", sa.String(80), nullable=False),
        sa.Column("bijgedragen_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_veldwaarden_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["bron"], ["partners.id"], name="fk_veldwaarden_bron_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_veldwaarden"),
        sa.UniqueConstraint("casus_id", "betrokkene", "veld", name="uq_veldwaarden_plaats"),
    )
    op.create_index("ix_veldwaarden_casus_id", "veldwaarden", ["casus_id"])
    op.create_table(
        "bijdragen",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("gebruiker_id", sa.String(32), nullable=False),
        sa.Column("velden", sa.Text(), nullable=False),
        sa.Column("bijgedragen_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_bijdragen_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_bijdragen_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_bijdragen"),
    )
    op.create_index("ix_bijdragen_casus_id", "bijdragen", ["casus_id"])


def downgrade() -> None:
    op.drop_table("bijdragen")
    op.drop_table("veldwaarden")
    op.drop_table("casus_sleutels")
    with op.batch_alter_table("casussen") as batch:
        batch.drop_column("vernietigd_op")
    with op.batch_alter_table("betrokkenen") as batch:
        batch.drop_index("ix_betrokkenen_bsn_index")
        batch.drop_column("bsn_index")
