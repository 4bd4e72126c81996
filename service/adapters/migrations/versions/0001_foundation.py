"""Foundation: partners, gebruikers, casussen, betrokkenen, deelnames.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("oin", sa.String(20), nullable=False),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_partners"),
        sa.UniqueConstraint("oin", name="uq_partners_oin"),
    )
    op.create_table(
        "gebruikers",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("rol", sa.String(40), nullable=False),
        sa.Column("naam", sa.String(120), nullable=False),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_gebruikers_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_gebruikers"),
        sa.UniqueConstraint("token_id", name="uq_gebruikers_token_id"),
    )
    op.create_index("ix_gebruikers_partner_id", "gebruikers", ["partner_id"])
    op.create_table(
        "casussen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("casustype", sa.String(16), nullable=False),
        sa.Column("fase", sa.String(16), nullable=False),
        sa.Column("gemeente", sa.String(80), nullable=False),
        sa.Column("onderwerp", sa.String(40), nullable=False),
        sa.Column("aanmelder", sa.String(80), nullable=False),
        sa.Column("aangemeld_op", UTCDateTime(), nullable=False),
        sa.Column("gewijzigd_op", UTCDateTime(), nullable=False),
        sa.Column("afgesloten_op", UTCDateTime(), nullable=True),
        sa.Column("prioriteit", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["aanmelder"], ["partners.id"], name="fk_casussen_aanmelder_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_casussen"),
    )
    op.create_index("ix_casussen_casustype", "casussen", ["casustype"])
    op.create_index("ix_casussen_fase_prioriteit", "casussen", ["fase", "prioriteit"])
    op.create_table(
        "betrokkenen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("rol", sa.String(16), nullable=False),
        sa.Column("relatie", sa.String(40), nullable=True),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_betrokkenen_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_betrokkenen"),
    )
    op.create_index("ix_betrokkenen_casus_id", "betrokkenen", ["casus_id"])
    op.create_table(
        "deelnames",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("rol", sa.String(40), nullable=False),
        sa.Column("sinds", UTCDateTime(), nullable=False),
        sa.Column("tot", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_deelnames_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_deelnames_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_deelnames"),
    )
    op.create_index("ix_deelnames_casus_id", "deelnames", ["casus_id"])
    op.create_index("ix_deelnames_partner_casus", "deelnames", ["partner_id", "casus_id"])


def downgrade() -> None:
    for table in ("deelnames", "betrokkenen", "casussen", "gebruikers", "partners"):
        op.drop_table(table)
