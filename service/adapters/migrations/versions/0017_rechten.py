"""Rights of the betrokkene (issue 21, items 4 and 5): `beperkingen` (AVG art. 18) and `uitstellen` of informing
the person, each scoped to a person by the BSN blind index of one regime.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beperkingen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("regime", sa.String(16), nullable=False),
        sa.Column("bsn_index", sa.String(64), nullable=True),
        sa.Column("doelen", sa.Text(), nullable=False),
        sa.Column("grond", sa.String(32), nullable=False),
        sa.Column("ingesteld_op", UTCDateTime(), nullable=False),
        sa.Column("ingesteld_door", sa.String(32), nullable=False),
        sa.Column("ingesteld_partner", sa.String(80), nullable=False),
        sa.Column("opgeheven_op", UTCDateTime(), nullable=True),
        sa.Column("opgeheven_door", sa.String(32), nullable=True),
        sa.Column("opheffingsreden", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_beperkingen"),
    )
    op.create_index("ix_beperkingen_index_regime", "beperkingen", ["bsn_index", "regime"])
    op.create_table(
        "uitstellen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("regime", sa.String(16), nullable=False),
        sa.Column("bsn_index", sa.String(64), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=True),
        sa.Column("grondslag", sa.String(80), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        sa.Column("ingesteld_op", UTCDateTime(), nullable=False),
        sa.Column("ingesteld_door", sa.String(32), nullable=False),
        sa.Column("beeindigd_op", UTCDateTime(), nullable=True),
        sa.Column("beeindigd_door", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_uitstellen"),
    )
    op.create_index("ix_uitstellen_index_regime", "uitstellen", ["bsn_index", "regime"])
    op.create_index("ix_uitstellen_partner_id", "uitstellen", ["partner_id"])


def downgrade() -> None:
    op.drop_index("ix_uitstellen_partner_id", table_name="uitstellen")
    op.drop_index("ix_uitstellen_index_regime", table_name="uitstellen")
    op.drop_table("uitstellen")
    op.drop_index("ix_beperkingen_index_regime", table_name="beperkingen")
    op.drop_table("beperkingen")
