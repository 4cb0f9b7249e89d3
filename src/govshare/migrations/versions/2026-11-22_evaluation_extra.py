"""evaluation_extra: columns added to the evaluation tables after 0011 (empty while none are needed)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
