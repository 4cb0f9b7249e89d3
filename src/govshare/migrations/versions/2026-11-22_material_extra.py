"""material_extra: how a material's match came about, and its place in the guide

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service_material") as batch:
        batch.add_column(
            sa.Column("match_source", sa.String(length=20), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("service_material") as batch:
        batch.drop_column("position")
        batch.drop_column("match_source")
