"""disputes: dispute ladders and their steps (GZ 28; ZS 37; ZZ 18; JS 13, 19)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govshare.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("consumer_department_id", sa.Integer(), nullable=False),
        sa.Column("provider_department_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_department_id", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("ladder_key", sa.String(length=60), nullable=False),
        sa.Column("article", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("current_step", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("suspended_grant", sa.Boolean(), nullable=False),
        sa.Column("provided_grant_id", sa.Integer(), nullable=True),
        sa.Column("provide_due_on", sa.Date(), nullable=True),
        sa.Column("provided_on", sa.Date(), nullable=True),
        sa.Column("created_at", govshare.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["sharing_application.id"],
            name=op.f("fk_dispute_application_id_sharing_application"),
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["sharing_grant.id"], name=op.f("fk_dispute_grant_id_sharing_grant")
        ),
        sa.ForeignKeyConstraint(
            ["provided_grant_id"],
            ["sharing_grant.id"],
            name=op.f("fk_dispute_provided_grant_id_sharing_grant"),
        ),
        sa.ForeignKeyConstraint(
            ["consumer_department_id"],
            ["department.id"],
            name=op.f("fk_dispute_consumer_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_department_id"],
            ["department.id"],
            name=op.f("fk_dispute_provider_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_department_id"],
            ["department.id"],
            name=op.f("fk_dispute_raised_by_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute")),
    )
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.create_index("ix_dispute_application_id", ["application_id"], unique=False)
        batch_op.create_index("ix_dispute_grant_id", ["grant_id"], unique=False)
        batch_op.create_index(
            "ix_dispute_state_provide_due_on", ["state", "provide_due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dispute_consumer_department_id"), ["consumer_department_id"]
        )
        batch_op.create_index(
            batch_op.f("ix_dispute_provider_department_id"), ["provider_department_id"]
        )

    op.create_table(
        "dispute_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("decider", sa.String(length=40), nullable=False),
        sa.Column("article", sa.String(length=60), nullable=False),
        sa.Column("outside_platform", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_by_department_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["dispute.id"], name=op.f("fk_dispute_step_dispute_id_dispute")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_step")),
        sa.UniqueConstraint("dispute_id", "number", name=op.f("uq_dispute_step_dispute_id")),
    )
    with op.batch_alter_table("dispute_step", schema=None) as batch_op:
        batch_op.create_index("ix_dispute_step_state_due_on", ["state", "due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dispute_step", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_step_state_due_on")
    op.drop_table("dispute_step")
    with op.batch_alter_table("dispute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_provider_department_id"))
        batch_op.drop_index(batch_op.f("ix_dispute_consumer_department_id"))
        batch_op.drop_index("ix_dispute_state_provide_due_on")
        batch_op.drop_index("ix_dispute_grant_id")
        batch_op.drop_index("ix_dispute_application_id")
    op.drop_table("dispute")
