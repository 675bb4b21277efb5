"""schools as respondents: shared school drafts, who typed an answer, school invitations

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DRAFT = sa.text("status = 'draft' AND school_key IS NOT NULL")
SENT = sa.text("status = 'submitted' AND school_key IS NOT NULL")
PERSONAL_DRAFT = sa.text("status = 'draft' AND school_key IS NULL")
OLD_PERSONAL_DRAFT = sa.text("status = 'draft'")


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("school_key", sa.String(length=96), nullable=True))
    # A person's one draft per form version no longer counts the drafts of their school.
    op.drop_index("uq_submissions_one_draft", table_name="submissions")
    op.create_index(
        "uq_submissions_one_draft",
        "submissions",
        ["form_version_id", "respondent_id"],
        unique=True,
        sqlite_where=PERSONAL_DRAFT,
        postgresql_where=PERSONAL_DRAFT,
    )
    op.create_index(
        "uq_submissions_school_draft",
        "submissions",
        ["school_key"],
        unique=True,
        sqlite_where=DRAFT,
        postgresql_where=DRAFT,
    )
    op.create_index(
        "uq_submissions_school_sent",
        "submissions",
        ["school_key"],
        unique=True,
        sqlite_where=SENT,
        postgresql_where=SENT,
    )
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("typed_by", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("school_id", BIG_ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_invitations_school_id_schools"),
            "schools",
            ["school_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_constraint(op.f("fk_invitations_school_id_schools"), type_="foreignkey")
        batch.drop_column("school_id")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("typed_by")
    op.drop_index("uq_submissions_school_sent", table_name="submissions")
    op.drop_index("uq_submissions_school_draft", table_name="submissions")
    op.drop_index("uq_submissions_one_draft", table_name="submissions")
    op.create_index(
        "uq_submissions_one_draft",
        "submissions",
        ["form_version_id", "respondent_id"],
        unique=True,
        sqlite_where=OLD_PERSONAL_DRAFT,
        postgresql_where=OLD_PERSONAL_DRAFT,
    )
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("school_key")
