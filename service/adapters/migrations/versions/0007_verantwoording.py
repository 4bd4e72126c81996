"""Verantwoording (issue 9): query indexes for the FG, derived lookup tables, web sessions.

- Composite indexes on `verstrekkingen` so a filtered first page (partner + period, casus, doel, uitkomst)
  is answered from an index in log order.
- `verstrekking_betrokkenen` and `verstrekking_grondslagen`: which betrokkene ids and grondslagen a record
  names, derived from the record bytes (never trusted for integrity: `audit verify` checks the records) and kept
  up to date by a catch-up over records beyond `verantwoording_index.tot`.
- `websessies`: server-side sessions of the web pages (only a hash of the cookie's secret is stored).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_verstrekkingen_partner_tijd": ["partner_id", "tijd", "log_index"],
    "ix_verstrekkingen_casus_tijd": ["casus_id", "tijd", "log_index"],
    "ix_verstrekkingen_doel_tijd": ["doel", "tijd", "log_index"],
    "ix_verstrekkingen_uitkomst_tijd": ["uitkomst", "tijd", "log_index"],
}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.create_index(name, "verstrekkingen", columns)
    op.create_table(
        "verstrekking_betrokkenen",
        sa.Column("betrokkene_id", sa.String(32), nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("betrokkene_id", "log_index", name="pk_verstrekking_betrokkenen"),
    )
    op.create_table(
        "verstrekking_grondslagen",
        sa.Column("grondslag", sa.String(80), nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("grondslag", "log_index", name="pk_verstrekking_grondslagen"),
    )
    op.create_table(
        "verantwoording_index",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tot", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_verantwoording_index"),
    )
    op.execute("INSERT INTO verantwoording_index (id, tot) VALUES (1, 0)")
    op.create_table(
        "websessies",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("gebruiker_id", sa.String(32), nullable=False),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.Column("laatst_gebruikt_op", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_websessies"),
    )
    op.create_index("ix_websessies_gebruiker_id", "websessies", ["gebruiker_id"])


def downgrade() -> None:
    op.drop_index("ix_websessies_gebruiker_id", table_name="websessies")
    op.drop_table("websessies")
    op.drop_table("verantwoording_index")
    op.drop_table("verstrekking_grondslagen")
    op.drop_table("verstrekking_betrokkenen")
    for name in _INDEXES:
        op.drop_index(name, table_name="verstrekkingen")
