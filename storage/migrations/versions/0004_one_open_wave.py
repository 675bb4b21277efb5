"""one open wave per form

A partial unique index: two coordinators opening a stage at the same moment cannot both
succeed (PostgreSQL ran both inserts side by side). Stages that ran out without being closed
by hand get their ``closed_at`` first, and of any two left open by that race the later one
is closed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAVES = sa.table(
    "waves",
    sa.column("id", sa.BigInteger),
    sa.column("form_id", sa.String),
    sa.column("closes_on", sa.Date),
    sa.column("closed_at", sa.DateTime),
)


def upgrade() -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    op.execute(
        WAVES.update()
        .where(WAVES.c.closed_at.is_(None), WAVES.c.closes_on < now.date())
        .values(closed_at=now)
    )
    first = (
        sa.select(sa.func.min(WAVES.c.id))
        .where(WAVES.c.closed_at.is_(None))
        .group_by(WAVES.c.form_id)
    )
    op.execute(
        WAVES.update()
        .where(WAVES.c.closed_at.is_(None), WAVES.c.id.not_in(first.scalar_subquery()))
        .values(closed_at=now)
    )
    with op.batch_alter_table("waves", schema=None) as batch_op:
        batch_op.create_index(
            "uq_waves_one_open",
            ["form_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("waves", schema=None) as batch_op:
        batch_op.drop_index("uq_waves_one_open")
