"""course prerequisites for the public course page

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-01 11:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # existing courses get an empty list; the content loader fills the shipped course's on its next load
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prerequisites", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("prerequisites")
