"""The verstrekking log: records (Merkle leaves), complete subtree nodes, the append lock row, checkpoints.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verstrekkingen",
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.Column("blad_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("tijd", UTCDateTime(), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=True),
        sa.Column("doel", sa.String(80), nullable=False),
        sa.Column("uitkomst", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("log_index", name="pk_verstrekkingen"),
        sa.UniqueConstraint("id", name="uq_verstrekkingen_id"),
    )
    op.create_index("ix_verstrekkingen_tijd", "verstrekkingen", ["tijd"])
    op.create_index("ix_verstrekkingen_partner_id", "verstrekkingen", ["partner_id"])
    op.create_index("ix_verstrekkingen_casus_id", "verstrekkingen", ["casus_id"])
    op.create_table(
        "logknopen",
        sa.Column("niveau", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("positie", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("niveau", "positie", name="pk_logknopen"),
    )
    op.create_table(
        "loghoofd",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("grootte", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_loghoofd"),
    )
    op.execute("INSERT INTO loghoofd (id, grootte) VALUES (1, 0)")
    op.create_table(
        "checkpoints",
        sa.Column("grootte", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wortel", sa.LargeBinary(32), nullable=False),
        sa.Column("tijd", UTCDateTime(), nullable=False),
        sa.Column("sleutel_id", sa.String(120), nullable=False),
        sa.Column("notitie", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("grootte", name="pk_checkpoints"),
    )


def downgrade() -> None:
    op.drop_table("checkpoints")
    op.drop_table("loghoofd")
    op.drop_table("logknopen")
    for index in ("ix_verstrekkingen_casus_id", "ix_verstrekkingen_partner_id", "ix_verstrekkingen_tijd"):
        op.drop_index(index, table_name="verstrekkingen")
    op.drop_table("verstrekkingen")
