"""Advies and onderwerpen (issue 22, items 3 and 5): `adviezen` (ids, codes and dates only: no personal data),
`casus_nevenonderwerpen`, and the stored casussen moved from the onderwerp `overig` to the convenant's
`overige-veiligheid-omgeving` (the other old onderwerpen kept their ids in the convenant's list).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Old onderwerp id -> the id of the convenant's onderwerpen that replaced it (domain.casus.EERDERE_ONDERWERPEN).
HERNOEMD = {"overig": "overige-veiligheid-omgeving"}
# The onderwerpen before 0019 (an enum in the code): on downgrade every other id becomes `overig`.
VOORHEEN = (
    *("verward-gedrag", "ernstige-overlast", "radicalisering", "burenruzie", "huiselijk-geweld", "stalking"),
    *("mensenhandel", "zeden", "overig"),
)


def upgrade() -> None:
    op.create_table(
        "adviezen",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("soort", sa.String(24), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("vrager", sa.String(80), nullable=False),
        sa.Column("gemeente", sa.String(80), nullable=False),
        sa.Column("onderwerp", sa.String(40), nullable=False),
        sa.Column("antwoorden", sa.String(200), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=True),
        sa.Column("geregistreerd_door", sa.String(32), nullable=False),
        sa.Column("geregistreerd_partner", sa.String(80), nullable=False),
        sa.Column("geregistreerd_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["vrager"], ["partners.id"], name="fk_adviezen_vrager_partners"),
        sa.ForeignKeyConstraint(
            ["geregistreerd_partner"], ["partners.id"], name="fk_adviezen_geregistreerd_partner_partners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_adviezen"),
        sa.UniqueConstraint("casus_id", name="uq_adviezen_casus_id"),
    )
    op.create_index("ix_adviezen_datum_soort", "adviezen", ["datum", "soort"])
    op.create_table(
        "casus_nevenonderwerpen",
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("onderwerp", sa.String(40), nullable=False),
        sa.Column("volgorde", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_casus_nevenonderwerpen_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("casus_id", "onderwerp", name="pk_casus_nevenonderwerpen"),
    )
    casussen = sa.table("casussen", sa.column("onderwerp", sa.String(40)))
    for oud, nieuw in HERNOEMD.items():
        op.execute(casussen.update().where(casussen.c.onderwerp == oud).values(onderwerp=nieuw))


def downgrade() -> None:
    casussen = sa.table("casussen", sa.column("onderwerp", sa.String(40)))
    op.execute(casussen.update().where(casussen.c.onderwerp.not_in(VOORHEEN)).values(onderwerp="overig"))
    op.drop_table("casus_nevenonderwerpen")
    op.drop_index("ix_adviezen_datum_soort", table_name="adviezen")
    op.drop_table("adviezen")
