"""Overleggen (issue 22, item 1): `overleggen`, their `overlegagendapunten`, the `overleguitnodigingen` with the
attendance recorded, and the `geheimhoudingsverklaringen` of incidental participants. Ids, dates, codes and
booleans only (the verslag is an encrypted casus value).

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overleggen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("soort", sa.String(80), nullable=False),
        sa.Column("casustype", sa.String(16), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("voorzitter", sa.String(32), nullable=False),
        sa.Column("voorzitter_partner", sa.String(80), nullable=False),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_overleggen"),
    )
    op.create_index("ix_overleggen_partner_datum", "overleggen", ["voorzitter_partner", "datum"])
    op.create_table(
        "overlegagendapunten",
        sa.Column("overleg_id", sa.String(32), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("toegevoegd_op", UTCDateTime(), nullable=False),
        sa.Column("verslag_op", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("overleg_id", "casus_id", name="pk_overlegagendapunten"),
    )
    op.create_index("ix_overlegagendapunten_casus", "overlegagendapunten", ["casus_id"])
    op.create_table(
        "overleguitnodigingen",
        sa.Column("overleg_id", sa.String(32), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("uitgenodigd_op", UTCDateTime(), nullable=False),
        sa.Column("aanwezig", sa.Boolean(), nullable=True),
        sa.Column("incidenteel", sa.Boolean(), nullable=False),
        sa.Column("vastgelegd_op", UTCDateTime(), nullable=True),
        sa.Column("vastgelegd_door", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("overleg_id", "casus_id", "partner_id", name="pk_overleguitnodigingen"),
    )
    op.create_index("ix_overleguitnodigingen_partner", "overleguitnodigingen", ["partner_id"])
    op.create_table(
        "geheimhoudingsverklaringen",
        sa.Column("overleg_id", sa.String(32), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("vastgelegd_op", UTCDateTime(), nullable=False),
        sa.Column("vastgelegd_door", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("overleg_id", "partner_id", name="pk_geheimhoudingsverklaringen"),
    )


def downgrade() -> None:
    op.drop_table("geheimhoudingsverklaringen")
    op.drop_index("ix_overleguitnodigingen_partner", table_name="overleguitnodigingen")
    op.drop_table("overleguitnodigingen")
    op.drop_index("ix_overlegagendapunten_casus", table_name="overlegagendapunten")
    op.drop_table("overlegagendapunten")
    op.drop_index("ix_overleggen_partner_datum", table_name="overleggen")
    op.drop_table("overleggen")
