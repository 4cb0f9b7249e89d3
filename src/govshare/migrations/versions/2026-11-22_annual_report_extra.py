"""annual_report_extra: the narrative's problems and plan, and the authority's request (ZS 35 ¶2)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("annual_report") as batch:
        batch.add_column(sa.Column("problems", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("plan", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("requested_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("requested_by", sa.String(100), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("annual_report") as batch:
        batch.drop_column("requested_by")
        batch.drop_column("requested_on")
        batch.drop_column("plan")
        batch.drop_column("problems")
