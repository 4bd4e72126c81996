"""The casus lifecycle: the history of every change (who, when, what, why) and the grondslag of an invitation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deelnames") as batch:
        batch.add_column(sa.Column("grondslag", sa.String(80), nullable=True))
    op.create_table(
        "casus_gebeurtenissen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("tijd", UTCDateTime(), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("gebruiker_id", sa.String(32), nullable=False),
        sa.Column("rol", sa.String(40), nullable=False),
        sa.Column("handeling", sa.String(40), nullable=False),
        sa.Column("van_fase", sa.String(16), nullable=False),
        sa.Column("naar_fase", sa.String(16), nullable=False),
        sa.Column("gegevens", sa.Text(), nullable=False),
        sa.Column("toelichting", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_casus_gebeurtenissen_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_casus_gebeurtenissen_partner_id_partners"),
        sa.PrimaryKeyConstraint("id", name="pk_casus_gebeurtenissen"),
    )
    op.create_index("ix_casus_gebeurtenissen_casus_id", "casus_gebeurtenissen", ["casus_id"])


def downgrade() -> None:
    op.drop_index("ix_casus_gebeurtenissen_casus_id", table_name="casus_gebeurtenissen")
    op.drop_table("casus_gebeurtenissen")
    with op.batch_alter_table("deelnames") as batch:
        batch.drop_column("grondslag")
