"""complaint_extra: columns added to the complaint tables after 0011 (empty while none are needed)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
