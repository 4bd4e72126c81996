"""Drop the single-column indexes on `verstrekkingen.partner_id` and `.casus_id`: each is the leading column of a
composite index of migration 0007 ((partner_id, tijd, log_index), (casus_id, tijd, log_index)), which answers
every query they did, and every record appended had to update them too.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_verstrekkingen_partner_id", table_name="verstrekkingen")
    op.drop_index("ix_verstrekkingen_casus_id", table_name="verstrekkingen")


def downgrade() -> None:
    op.create_index("ix_verstrekkingen_casus_id", "verstrekkingen", ["casus_id"])
    op.create_index("ix_verstrekkingen_partner_id", "verstrekkingen", ["partner_id"])
