"""freshness: delay filings of providers that cannot update in time (GZ 19; ZS 18; JS 15)

The delay columns of `data_connection` (one reason, one evidence text, one date) give way to
`delay_filing`: each filing with its own state, decision and attached evidence.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govshare.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delay_filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("requires", sa.String(length=30), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("update_by", sa.Date(), nullable=False),
        sa.Column("bound_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("filed_at", govshare.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_delay_filing_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resource.id"], name=op.f("fk_delay_filing_resource_id_resource")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delay_filing")),
    )
    with op.batch_alter_table("delay_filing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delay_filing_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_delay_filing_state"), ["state"], unique=False)
        batch_op.create_index(
            "ix_delay_filing_resource_state", ["resource_id", "state"], unique=False
        )
    with op.batch_alter_table("data_connection", schema=None) as batch_op:
        batch_op.drop_column("delay_reason")
        batch_op.drop_column("delay_evidence")
        batch_op.drop_column("delay_filed_on")


def downgrade() -> None:
    with op.batch_alter_table("data_connection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delay_filed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("delay_evidence", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("delay_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("delay_filing", schema=None) as batch_op:
        batch_op.drop_index("ix_delay_filing_resource_state")
        batch_op.drop_index(batch_op.f("ix_delay_filing_state"))
        batch_op.drop_index(batch_op.f("ix_delay_filing_department_id"))
    op.drop_table("delay_filing")
