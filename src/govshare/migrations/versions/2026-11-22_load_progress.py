"""load_progress: progress of long loads shown while they run

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govshare.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_load_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("partial", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("state", sa.String(length=20), nullable=False, server_default="running"),
        sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rows_expected", sa.Integer(), nullable=True),
        sa.Column("load_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("rejected_csv", sa.Text(), nullable=True),
        sa.Column("started_at", govshare.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", govshare.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resource.id"], name=op.f("fk_data_load_job_resource_id_resource")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_data_load_job_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["load_id"], ["data_load.id"], name=op.f("fk_data_load_job_load_id_data_load")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_load_job")),
    )
    op.create_index(
        op.f("ix_data_load_job_resource_id"), "data_load_job", ["resource_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_data_load_job_resource_id"), table_name="data_load_job")
    op.drop_table("data_load_job")
