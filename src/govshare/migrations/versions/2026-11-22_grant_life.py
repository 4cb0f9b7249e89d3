"""grant_life: grant renewal, expiry reminders and the route of cross-level applications (GZ 27; ZS 24)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import govshare.db  # noqa: F401

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sharing_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("renews_grant_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("route", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_sharing_application_renews_grant_id_sharing_grant"),
            "sharing_grant",
            ["renews_grant_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_sharing_application_renews_grant_id"), ["renews_grant_id"], unique=False
        )

    op.create_table(
        "sharing_grant_life",
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("expiry_reminded_on", sa.Date(), nullable=True),
        sa.Column("expired_on", sa.Date(), nullable=True),
        sa.Column("suspended_on", sa.Date(), nullable=True),
        sa.Column("suspended_by", sa.String(length=100), server_default="", nullable=False),
        sa.Column("suspended_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("suspended_for", sa.String(length=100), server_default="", nullable=False),
        sa.Column("lifted_on", sa.Date(), nullable=True),
        sa.Column("lifted_by", sa.String(length=100), server_default="", nullable=False),
        sa.Column("lifted_reason", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["sharing_grant.id"],
            name=op.f("fk_sharing_grant_life_grant_id_sharing_grant"),
        ),
        sa.PrimaryKeyConstraint("grant_id", name=op.f("pk_sharing_grant_life")),
    )
    # The expiry sweep selects live grants by their last day.
    with op.batch_alter_table("sharing_grant", schema=None) as batch_op:
        batch_op.create_index("ix_sharing_grant_valid_until", ["valid_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sharing_grant", schema=None) as batch_op:
        batch_op.drop_index("ix_sharing_grant_valid_until")
    op.drop_table("sharing_grant_life")
    with op.batch_alter_table("sharing_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_application_renews_grant_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_sharing_application_renews_grant_id_sharing_grant"), type_="foreignkey"
        )
        batch_op.drop_column("route")
        batch_op.drop_column("renews_grant_id")
