"""forms published from the bot: which version is live, drafts, trial responses

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("form_versions") as batch:
        batch.add_column(sa.Column("author_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("file_name", sa.String(length=255), nullable=True))
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("test", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "form_publications",
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
        sa.Column("draft_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
        sa.Column("uploaded", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.BigInteger(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["form_versions.id"],
            name=op.f("fk_form_publications_version_id_form_versions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["form_versions.id"],
            name=op.f("fk_form_publications_draft_id_form_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("form_id", name=op.f("pk_form_publications")),
    )


def downgrade() -> None:
    op.drop_table("form_publications")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("test")
    with op.batch_alter_table("form_versions") as batch:
        batch.drop_column("file_name")
        batch.drop_column("author_id")
