"""The routeeroverleg: pseudonymous signals, matches with their besluit, and the matching lock row.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routeer_matches",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("pseudoniem", sa.String(64), nullable=False),
        sa.Column("ontstaan_op", UTCDateTime(), nullable=False),
        sa.Column("besloten_op", UTCDateTime(), nullable=True),
        sa.Column("besloten_door", sa.String(80), nullable=True),
        sa.Column("route", sa.String(40), nullable=True),
        sa.Column("regie", sa.String(80), nullable=True),
        sa.Column("grondslag", sa.String(80), nullable=True),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_routeer_matches"),
    )
    op.create_index("ix_routeer_matches_pseudoniem", "routeer_matches", ["pseudoniem"])
    op.create_index("ix_routeer_matches_besloten_op", "routeer_matches", ["besloten_op"])
    op.create_table(
        "routeer_signalen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("pseudoniem", sa.String(64), nullable=False),
        sa.Column("risico_indicatie", sa.String(16), nullable=False),
        sa.Column("contactpunt", sa.String(200), nullable=False),
        sa.Column("signaaldatum", sa.Date(), nullable=False),
        sa.Column("ontvangen_op", UTCDateTime(), nullable=False),
        sa.Column("match_id", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_routeer_signalen_partner_id_partners"),
        sa.ForeignKeyConstraint(
            ["match_id"], ["routeer_matches.id"], name="fk_routeer_signalen_match_id_routeer_matches"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_routeer_signalen"),
    )
    op.create_index("ix_routeer_signalen_pseudoniem", "routeer_signalen", ["pseudoniem"])
    op.create_index("ix_routeer_signalen_signaaldatum", "routeer_signalen", ["signaaldatum"])
    op.create_index("ix_routeer_signalen_match_id", "routeer_signalen", ["match_id"])
    op.create_table(
        "routeer_slot",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_routeer_slot"),
    )
    op.execute("INSERT INTO routeer_slot (id) VALUES (1)")


def downgrade() -> None:
    for index in ("ix_routeer_signalen_match_id", "ix_routeer_signalen_signaaldatum", "ix_routeer_signalen_pseudoniem"):
        op.drop_index(index, table_name="routeer_signalen")
    op.drop_table("routeer_signalen")
    for index in ("ix_routeer_matches_besloten_op", "ix_routeer_matches_pseudoniem"):
        op.drop_index(index, table_name="routeer_matches")
    op.drop_table("routeer_matches")
    op.drop_table("routeer_slot")
