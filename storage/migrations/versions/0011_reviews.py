"""reviews of sent responses: a status per response and its history (ODK Central's review)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATUS = sa.String(length=32)


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("submission_id", BIG_ID, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("reviewer_id", sa.BigInteger(), nullable=True),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("correction_id", BIG_ID, nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_reviews_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["submissions.id"],
            name=op.f("fk_reviews_correction_id_submissions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("correction_id", name=op.f("uq_reviews_correction_id")),
    )
    op.create_index(op.f("ix_reviews_status"), "reviews", ["status"])
    op.create_table(
        "review_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("submission_id", BIG_ID, nullable=False),
        sa.Column("about_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("question_id", sa.String(length=64), nullable=True),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_review_events_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
    )
    op.create_index(op.f("ix_review_events_submission_id"), "review_events", ["submission_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_review_events_submission_id"), table_name="review_events")
    op.drop_table("review_events")
    op.drop_index(op.f("ix_reviews_status"), table_name="reviews")
    op.drop_table("reviews")
