"""the objectives each lesson teaches, for per-question links in a quiz review

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # existing lessons teach no named objective yet: reviews link their module until the
    # content loader (or an author) names them
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("objectives", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_column("objectives")
