"""Gebruikers as managed data (issue 19): soort and status, an OpenID Connect identity, tokens in their own
table with a life (`tokens`), failed attempts per token id (`tokenpogingen`), web sessions opened through
OpenID Connect (`websessies.token_id` may be empty), logins in progress (`oidc_inlogpogingen`), hourly security
signal counts (`beveiligingssignalen`), and proposals about a gebruiker (`beheervoorstellen.gebruiker_id`).

Existing tokens move to `tokens` and expire 90 days after this upgrade; a suspended gebruiker becomes
`geschorst`. Gebruikers in rol beheerder or fg become persons, all others systems.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from service.adapters.orm import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("gebruiker_id", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("uitgegeven_op", UTCDateTime(), nullable=False),
        sa.Column("verloopt_op", UTCDateTime(), nullable=False),
        sa.Column("ingetrokken_op", UTCDateTime(), nullable=True),
        sa.Column("opvolger", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["gebruiker_id"], ["gebruikers.id"], name="fk_tokens_gebruiker_id_gebruikers"),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
    )
    op.create_index("ix_tokens_gebruiker_id", "tokens", ["gebruiker_id"])
    op.execute(
        "INSERT INTO tokens (id, gebruiker_id, token_hash, uitgegeven_op, verloopt_op)"
        " SELECT token_id, id, token_hash, aangemaakt_op, CURRENT_TIMESTAMP FROM gebruikers"
    )
    # 90 days from now, in each dialect's own date arithmetic
    if op.get_bind().dialect.name == "sqlite":
        op.execute("UPDATE tokens SET verloopt_op = datetime('now', '+90 days')")
    else:
        op.execute("UPDATE tokens SET verloopt_op = now() + interval '90 days'")
    with op.batch_alter_table("gebruikers") as batch:
        batch.add_column(sa.Column("soort", sa.String(16), nullable=False, server_default="systeem"))
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="actief"))
        batch.add_column(sa.Column("gewijzigd_op", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("oidc_issuer", sa.String(300), nullable=True))
        batch.add_column(sa.Column("oidc_subject", sa.String(255), nullable=True))
    op.execute("UPDATE gebruikers SET soort = 'persoon' WHERE rol IN ('beheerder', 'fg')")
    op.execute("UPDATE gebruikers SET status = 'geschorst' WHERE NOT actief")
    op.execute("UPDATE gebruikers SET gewijzigd_op = aangemaakt_op")
    with op.batch_alter_table("gebruikers") as batch:
        batch.alter_column("soort", server_default=None)
        batch.alter_column("status", server_default=None)
        batch.alter_column("gewijzigd_op", existing_type=UTCDateTime(), nullable=False)
        batch.drop_constraint("uq_gebruikers_token_id", type_="unique")
        batch.drop_column("token_id")
        batch.drop_column("token_hash")
        batch.drop_column("actief")
        batch.create_unique_constraint("uq_gebruikers_oidc", ["oidc_issuer", "oidc_subject"])
    op.create_table(
        "tokenpogingen",
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("fouten", sa.Integer(), nullable=False),
        sa.Column("sinds", UTCDateTime(), nullable=False),
        sa.Column("geblokkeerd_tot", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name="pk_tokenpogingen"),
    )
    with op.batch_alter_table("websessies") as batch:
        batch.alter_column("token_id", existing_type=sa.String(32), nullable=True)
    op.create_table(
        "oidc_inlogpogingen",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("partner_id", sa.String(80), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("volgende", sa.String(300), nullable=False),
        sa.Column("aangemaakt_op", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_oidc_inlogpogingen"),
    )
    op.create_index("ix_oidc_inlogpogingen_aangemaakt_op", "oidc_inlogpogingen", ["aangemaakt_op"])
    op.create_table(
        "beveiligingssignalen",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("soort", sa.String(40), nullable=False),
        sa.Column("uur", UTCDateTime(), nullable=False),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_beveiligingssignalen"),
        sa.UniqueConstraint("soort", "uur", name="uq_beveiligingssignalen_soort_uur"),
    )
    with op.batch_alter_table("beheervoorstellen") as batch:
        batch.add_column(sa.Column("gebruiker_id", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_beheervoorstellen_gebruiker_id_gebruikers", "gebruikers", ["gebruiker_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("beheervoorstellen") as batch:
        batch.drop_constraint("fk_beheervoorstellen_gebruiker_id_gebruikers", type_="foreignkey")
        batch.drop_column("gebruiker_id")
    op.drop_table("beveiligingssignalen")
    op.drop_index("ix_oidc_inlogpogingen_aangemaakt_op", table_name="oidc_inlogpogingen")
    op.drop_table("oidc_inlogpogingen")
    op.execute("DELETE FROM websessies WHERE token_id IS NULL")
    with op.batch_alter_table("websessies") as batch:
        batch.alter_column("token_id", existing_type=sa.String(32), nullable=False)
    op.drop_table("tokenpogingen")
    with op.batch_alter_table("gebruikers") as batch:
        batch.drop_constraint("uq_gebruikers_oidc", type_="unique")
        batch.add_column(sa.Column("token_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("token_hash", sa.LargeBinary(32), nullable=True))
        batch.add_column(sa.Column("actief", sa.Boolean(), nullable=False, server_default=sa.true()))
    # The newest token of each gebruiker goes back; a gebruiker without one keeps no credential (NULL).
    op.execute(
        "UPDATE gebruikers SET"
        " token_id = (SELECT t.id FROM tokens t WHERE t.gebruiker_id = gebruikers.id"
        "             ORDER BY t.uitgegeven_op DESC LIMIT 1),"
        " token_hash = (SELECT t.token_hash FROM tokens t WHERE t.gebruiker_id = gebruikers.id"
        "               ORDER BY t.uitgegeven_op DESC LIMIT 1),"
        " actief = (status = 'actief')"
    )
    op.drop_index("ix_tokens_gebruiker_id", table_name="tokens")
    op.drop_table("tokens")
    op.execute("DELETE FROM gebruikers WHERE token_id IS NULL")
    with op.batch_alter_table("gebruikers") as batch:
        batch.alter_column("actief", server_default=None)
        batch.alter_column("token_id", existing_type=sa.String(32), nullable=False)
        batch.alter_column("token_hash", existing_type=sa.LargeBinary(32), nullable=False)
        batch.create_unique_constraint("uq_gebruikers_token_id", ["token_id"])
        batch.drop_column("oidc_subject")
        batch.drop_column("oidc_issuer")
        batch.drop_column("gewijzigd_op")
        batch.drop_column("status")
        batch.drop_column("soort")
