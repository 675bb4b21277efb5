"""waves cases slots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 08:52:51.259195
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "waves",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waves")),
    )
    with op.batch_alter_table("waves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_waves_form_id"), ["form_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column(
            "submission_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "scheduled",
                "held",
                "cancelled",
                "no_show",
                "pending",
                "active",
                "completed",
                "dissolved",
                name="casestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_cases_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_cases")),
        sa.UniqueConstraint("code", name=op.f("uq_cases_code")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)

    op.create_table(
        "slots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("consultant_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column(
            "submission_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultant_id"],
            ["users.id"],
            name=op.f("fk_slots_consultant_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_slots_submission_id_submissions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slots")),
        sa.UniqueConstraint(
            "consultant_id", "starts_at", name=op.f("uq_slots_consultant_id_starts_at")
        ),
        sa.UniqueConstraint("submission_id", name=op.f("uq_slots_submission_id")),
    )
    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slots_starts_at"), ["starts_at"], unique=False)

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "wave_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "municipality_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_index(
            batch_op.f("ix_submissions_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_submissions_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_wave_id"), ["wave_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_submissions_school_id_schools"),
            "schools",
            ["school_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_submissions_parent_id_submissions"),
            "submissions",
            ["parent_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_submissions_wave_id_waves"),
            "waves",
            ["wave_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_submissions_municipality_id_municipalities"),
            "municipalities",
            ["municipality_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("period")


def downgrade() -> None:

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period", sa.VARCHAR(length=64), nullable=True))
        batch_op.drop_constraint(
            batch_op.f("fk_submissions_municipality_id_municipalities"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_submissions_wave_id_waves"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_submissions_parent_id_submissions"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_submissions_school_id_schools"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_submissions_wave_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_parent_id"))
        batch_op.drop_index(batch_op.f("ix_submissions_municipality_id"))
        batch_op.drop_column("municipality_id")
        batch_op.drop_column("school_id")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("wave_id")

    with op.batch_alter_table("slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slots_starts_at"))

    op.drop_table("slots")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_kind"))
        batch_op.drop_index(batch_op.f("ix_cases_assignee_id"))

    op.drop_table("cases")
    with op.batch_alter_table("waves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waves_form_id"))

    op.drop_table("waves")
