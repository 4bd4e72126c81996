"""Witnesses of the verstrekking log (issue 20): the cosignatures they returned per checkpoint (`cosignaturen`)
and what the log knows of each witness (`getuigen_staat`: the size it last cosigned, attempts, failures, and the
lease that lets one worker at a time send to it).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cosignaturen",
        sa.Column("checkpoint_grootte", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("getuige", sa.String(200), nullable=False),
        sa.Column("regel", sa.Text(), nullable=False),
        sa.Column("tijdstempel", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("checkpoint_grootte", "getuige", name="pk_cosignaturen"),
    )
    op.create_table(
        "getuigen_staat",
        sa.Column("getuige", sa.String(200), nullable=False),
        sa.Column("grootte", sa.Integer(), nullable=False),
        sa.Column("laatste_poging", UTCDateTime(), nullable=True),
        sa.Column("gelukt_op", UTCDateTime(), nullable=True),
        sa.Column("fout", sa.String(300), nullable=True),
        sa.Column("bezet_tot", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("getuige", name="pk_getuigen_staat"),
    )


def downgrade() -> None:
    op.drop_table("getuigen_staat")
    op.drop_table("cosignaturen")
