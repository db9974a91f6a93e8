"""time on task: lesson times, activity clocks, seat-time rule, untimed completions

Completions recorded before this revision are flagged ``before_time_measured``: their
seat time is unknown and none is invented.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _foreign_keys(on: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    op.create_table(
        "lesson_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("active_seconds", sa.Integer(), nullable=False),
        sa.Column("first_opened_at", sa.DateTime(), nullable=False),
        sa.Column("last_active_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("active_seconds >= 0", name=op.f("ck_lesson_times_active_seconds_not_negative")),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_lesson_times_lesson_id_lessons"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lesson_times_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_times")),
        sa.UniqueConstraint("user_id", "lesson_id", name=op.f("uq_lesson_times_user_id_lesson_id")),
    )
    with op.batch_alter_table("lesson_times", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_times_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lesson_times_user_id"), ["user_id"], unique=False)

    op.create_table(
        "activity_clocks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_beat_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_activity_clocks_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_activity_clocks")),
    )

    # SQLite rebuilds the table to add the CHECK; dropping the old copy would cascade-delete
    # modules, lessons and completions unless foreign keys are off meanwhile
    _foreign_keys(False)
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seat_time_percent", sa.Integer(), server_default="50", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_courses_seat_time_percent_range"), "seat_time_percent >= 0 AND seat_time_percent <= 100"
        )
    _foreign_keys(True)

    with op.batch_alter_table("lesson_completions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("before_time_measured", sa.Boolean(), server_default=sa.false(), nullable=False))
    # every completion already on file was recorded before time was measured
    op.execute(sa.text("UPDATE lesson_completions SET before_time_measured = :yes").bindparams(yes=True))


def downgrade():
    with op.batch_alter_table("lesson_completions", schema=None) as batch_op:
        batch_op.drop_column("before_time_measured")
    _foreign_keys(False)
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_courses_seat_time_percent_range"), type_="check")
        batch_op.drop_column("seat_time_percent")
    _foreign_keys(True)
    op.drop_table("activity_clocks")
    with op.batch_alter_table("lesson_times", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_times_user_id"))
        batch_op.drop_index(batch_op.f("ix_lesson_times_lesson_id"))
    op.drop_table("lesson_times")
