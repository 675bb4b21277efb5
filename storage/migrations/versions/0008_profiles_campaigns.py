"""profiles, school links and campaigns

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("school_id", BIG_ID, nullable=True))
        batch.add_column(sa.Column("muted_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_users_school_id_schools"),
            "schools",
            ["school_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_users_school_id"), ["school_id"])
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("teachers", sa.Integer(), nullable=True))
    op.create_table(
        "school_links",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("school_id", BIG_ID, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_links_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_school_links")),
    )
    op.create_index(op.f("ix_school_links_school_id"), "school_links", ["school_id"])
    op.create_table(
        "campaigns",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("wave_id", BIG_ID, nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("schools", sa.String(length=16), nullable=False),
        sa.Column("municipality_ids", sa.JSON(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("text", sa.String(length=4096), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reminder_days", sa.JSON(), nullable=False),
        sa.Column("reminded_days", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_campaigns_wave_id_waves"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )


def downgrade() -> None:
    op.drop_table("campaigns")
    op.drop_index(op.f("ix_school_links_school_id"), table_name="school_links")
    op.drop_table("school_links")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("teachers")
    with op.batch_alter_table("users") as batch:
        batch.drop_index(op.f("ix_users_school_id"))
        batch.drop_constraint(op.f("fk_users_school_id_schools"), type_="foreignkey")
        batch.drop_column("reminded_at")
        batch.drop_column("muted_at")
        batch.drop_column("school_id")
        batch.drop_column("kind")
