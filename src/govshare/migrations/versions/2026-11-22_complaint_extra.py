"""complaint_extra: columns added to the complaint and error-report tables after 0011

complaint: when the authority took the complaint up, the respondent's statement, the
withdrawal. error_report: the last return for more information.

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_up_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("respondent_statement", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("respondent_statement_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "respondent_statement_by", sa.String(length=100), server_default="", nullable=False
            )
        )
        batch_op.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("withdrawal_reason", sa.Text(), server_default="", nullable=False)
        )
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returned_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("returned_by", sa.String(length=100), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.drop_column("returned_by")
        batch_op.drop_column("returned_on")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_on")
        batch_op.drop_column("respondent_statement_by")
        batch_op.drop_column("respondent_statement_on")
        batch_op.drop_column("respondent_statement")
        batch_op.drop_column("taken_up_on")
