"""The plan van aanpak as structure (issue 22, item 2): doelen, acties, afspraken, opschalingen, AVE-fase.

Texts are field cipher tokens under the casus key; every other column is a code, an id or a date. An afspraak's
`overleg` is an overleg's id without a foreign key (the overleggen have no table on this revision yet).

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _casus(table: str) -> list[sa.schema.SchemaItem]:
    """The columns and keys every plan table shares: its id, its casus and the bron of its texts."""
    return [
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("bron", sa.String(80), nullable=False),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name=f"fk_{table}_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["bron"], ["partners.id"], name=f"fk_{table}_bron_partners"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
    ]


def upgrade() -> None:
    op.create_table(
        "plan_doelen",
        *_casus("plan_doelen"),
        sa.Column("leefgebied", sa.String(40), nullable=False),
        sa.Column("tekst", sa.LargeBinary(), nullable=True),
    )
    op.create_table(
        "plan_acties",
        *_casus("plan_acties"),
        sa.Column("doel_id", sa.String(32), nullable=True),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("omschrijving", sa.LargeBinary(), nullable=True),
        sa.Column("gewijzigd_op", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name="fk_plan_acties_partner_id_partners"),
    )
    op.create_index("ix_plan_acties_status_deadline", "plan_acties", ["status", "deadline"])
    op.create_table(
        "plan_afspraken",
        *_casus("plan_afspraken"),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("overleg", sa.String(32), nullable=True),
        sa.Column("tekst", sa.LargeBinary(), nullable=True),
    )
    op.create_table(
        "plan_opschalingen",
        *_casus("plan_opschalingen"),
        sa.Column("niveau", sa.String(40), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("uitkomst", sa.String(40), nullable=True),
        sa.Column("reden", sa.LargeBinary(), nullable=True),
        sa.Column("toelichting", sa.LargeBinary(), nullable=True),
        sa.Column("afgerond_op", UTCDateTime(), nullable=True),
    )
    for table in ("plan_doelen", "plan_acties", "plan_afspraken", "plan_opschalingen"):
        op.create_index(f"ix_{table}_casus_id", table, ["casus_id"])
    op.create_table(
        "ave_fasen",
        sa.Column("casus_id", sa.String(32), nullable=False),
        sa.Column("fase", sa.Integer(), nullable=False),
        sa.Column("sinds", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casus_id"], ["casussen.id"], name="fk_ave_fasen_casus_id_casussen", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("casus_id", name="pk_ave_fasen"),
    )


def downgrade() -> None:
    op.drop_table("ave_fasen")
    for table in ("plan_opschalingen", "plan_afspraken", "plan_acties", "plan_doelen"):
        op.drop_index(f"ix_{table}_casus_id", table_name=table)
    op.drop_index("ix_plan_acties_status_deadline", table_name="plan_acties")
    for table in ("plan_opschalingen", "plan_afspraken", "plan_acties", "plan_doelen"):
        op.drop_table(table)
