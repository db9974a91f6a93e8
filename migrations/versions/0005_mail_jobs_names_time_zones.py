"""mail outbox, job runs, notification preferences, login counters; names, time zone, verified email

Revision ID: 0005
Revises: 0004

Existing accounts keep their name as the print name; given names and family name are filled
with a suggestion split from it (last word = family name) that the person confirms. Existing
accounts count as verified (they were in use before verification existed).
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("given_names", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("family_name", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("names_confirmed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC"))
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(), nullable=True))

    users = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("given_names", sa.String), sa.column("family_name", sa.String),
                     sa.column("created_at", sa.DateTime), sa.column("email_verified_at", sa.DateTime))
    connection = op.get_bind()
    for user_id, name in connection.execute(sa.select(users.c.id, users.c.name)).all():
        words = (name or "").split()
        given, family = (" ".join(words[:-1]), words[-1]) if len(words) > 1 else (" ".join(words), "")
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(given_names=given[:120], family_name=family[:120]))
    connection.execute(users.update().values(email_verified_at=users.c.created_at))

    with op.batch_alter_table("users") as batch:
        batch.alter_column("given_names", server_default=None)
        batch.alter_column("family_name", server_default=None)
        batch.alter_column("time_zone", server_default=None)

    op.create_table("outbox_messages",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("dedupe_key", sa.String(length=200), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=True),
    sa.Column("to_email", sa.String(length=254), nullable=False),
    sa.Column("template", sa.String(length=80), nullable=False),
    sa.Column("context", sa.JSON(), nullable=False),
    sa.Column("subject", sa.String(length=200), nullable=False),
    sa.Column("text_body", sa.Text(), nullable=False),
    sa.Column("html_body", sa.Text(), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
    sa.Column("claimed_until", sa.DateTime(), nullable=True),
    sa.Column("last_error", sa.String(length=500), nullable=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("sent_at", sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_messages_status_known")),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_outbox_messages_user_id_users"), ondelete="SET NULL"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key"))
    )
    with op.batch_alter_table("outbox_messages") as batch:
        batch.create_index("ix_outbox_messages_due", ["status", "next_attempt_at"], unique=False)
        batch.create_index(batch.f("ix_outbox_messages_user_id"), ["user_id"], unique=False)

    op.create_table("notification_preferences",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=40), nullable=False),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users"), ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
    sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notification_preferences_user_id_kind"))
    )
    with op.batch_alter_table("notification_preferences") as batch:
        batch.create_index(batch.f("ix_notification_preferences_user_id"), ["user_id"], unique=False)

    op.create_table("job_runs",
    sa.Column("name", sa.String(length=80), nullable=False),
    sa.Column("last_started_at", sa.DateTime(), nullable=True),
    sa.Column("last_finished_at", sa.DateTime(), nullable=True),
    sa.Column("last_error", sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs"))
    )

    op.create_table("login_counters",
    sa.Column("key", sa.String(length=300), nullable=False),
    sa.Column("window_start", sa.DateTime(), nullable=False),
    sa.Column("count", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_login_counters"))
    )


def downgrade():
    op.drop_table("login_counters")
    op.drop_table("job_runs")
    with op.batch_alter_table("notification_preferences") as batch:
        batch.drop_index(batch.f("ix_notification_preferences_user_id"))
    op.drop_table("notification_preferences")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_index(batch.f("ix_outbox_messages_user_id"))
        batch.drop_index("ix_outbox_messages_due")
    op.drop_table("outbox_messages")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
        batch.drop_column("time_zone")
        batch.drop_column("names_confirmed_at")
        batch.drop_column("family_name")
        batch.drop_column("given_names")
