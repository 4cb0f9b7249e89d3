"""divergence: one data, one source: source links between data items and divergence cases (ZS 17; JS 11)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govshare.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_a_id", sa.Integer(), nullable=False),
        sa.Column("item_a", sa.String(length=100), nullable=False),
        sa.Column("resource_b_id", sa.Integer(), nullable=False),
        sa.Column("item_b", sa.String(length=100), nullable=False),
        sa.Column("source_resource_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", govshare.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_at", govshare.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=100), nullable=False),
        sa.Column("removed_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_a_id"], ["resource.id"], name=op.f("fk_source_link_resource_a_id_resource")
        ),
        sa.ForeignKeyConstraint(
            ["resource_b_id"], ["resource.id"], name=op.f("fk_source_link_resource_b_id_resource")
        ),
        sa.ForeignKeyConstraint(
            ["source_resource_id"],
            ["resource.id"],
            name=op.f("fk_source_link_source_resource_id_resource"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_link")),
    )
    with op.batch_alter_table("source_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_link_resource_a_id"), ["resource_a_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_source_link_resource_b_id"), ["resource_b_id"], unique=False
        )
    op.create_table(
        "divergence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("subject_hash", sa.String(length=40), nullable=False),
        sa.Column("subject_enc", sa.Text(), nullable=False),
        sa.Column("values_enc", sa.Text(), nullable=False),
        sa.Column("values_digest", sa.String(length=64), nullable=False),
        sa.Column("resource_a_id", sa.Integer(), nullable=False),
        sa.Column("resource_b_id", sa.Integer(), nullable=False),
        sa.Column("department_a_id", sa.Integer(), nullable=False),
        sa.Column("department_b_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("detected_on", sa.Date(), nullable=False),
        sa.Column("detected_at", govshare.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", govshare.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("assigned_department_id", sa.Integer(), nullable=True),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        sa.Column("assigned_by", sa.String(length=100), nullable=False),
        sa.Column("assign_basis", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("correct_side", sa.String(length=1), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=False),
        sa.Column("closed_reason", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"], ["source_link.id"], name=op.f("fk_divergence_link_id_source_link")
        ),
        sa.ForeignKeyConstraint(
            ["resource_a_id"], ["resource.id"], name=op.f("fk_divergence_resource_a_id_resource")
        ),
        sa.ForeignKeyConstraint(
            ["resource_b_id"], ["resource.id"], name=op.f("fk_divergence_resource_b_id_resource")
        ),
        sa.ForeignKeyConstraint(
            ["department_a_id"],
            ["department.id"],
            name=op.f("fk_divergence_department_a_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["department_b_id"],
            ["department.id"],
            name=op.f("fk_divergence_department_b_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_department_id"],
            ["department.id"],
            name=op.f("fk_divergence_assigned_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_divergence")),
    )
    with op.batch_alter_table("divergence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_divergence_link_subject", ["link_id", "subject_hash"], unique=False
        )
        batch_op.create_index("ix_divergence_state_id", ["state", "id"], unique=False)
        for column in (
            "resource_a_id",
            "resource_b_id",
            "department_a_id",
            "department_b_id",
            "assigned_department_id",
        ):
            batch_op.create_index(batch_op.f(f"ix_divergence_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("divergence")
    op.drop_table("source_link")
