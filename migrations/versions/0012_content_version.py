"""content version: one row whose token every course content change replaces

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:05:00

"""
import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    # the one row, so that workers can read a version from the first request on
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex,
                            "changed_at": datetime.now(UTC).replace(tzinfo=None)}])


def downgrade():
    op.drop_table("content_version")
