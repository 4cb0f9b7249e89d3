"""rectification_extra: columns added to the rectification tables after 0011 (empty while none are needed)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
