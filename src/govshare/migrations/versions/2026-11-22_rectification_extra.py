"""rectification_extra: the history of each rectification notice (rectification_event)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govshare.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rectification_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("created_at", govshare.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["rectification_notice.id"],
            name=op.f("fk_rectification_event_notice_id_rectification_notice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_event")),
    )
    with op.batch_alter_table("rectification_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rectification_event_notice_id"), ["notice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rectification_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_event_notice_id"))
    op.drop_table("rectification_event")
