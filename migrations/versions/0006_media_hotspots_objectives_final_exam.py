"""media library, hotspot questions, objectives and blueprints, final exams, time accommodations

Revision ID: 0006
Revises: 0009
Create Date: 2026-12-01 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_TYPES = "qtype IN ('single', 'multiple', 'truefalse', 'numeric', 'short', 'matching')"
NEW_TYPES = "qtype IN ('single', 'multiple', 'truefalse', 'numeric', 'short', 'matching', 'hotspot')"


def upgrade():
    op.create_table('media_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('png', 'jpeg', 'webp', 'svg')", name=op.f('ck_media_assets_kind_known')),
    sa.CheckConstraint('width > 0 AND height > 0', name=op.f('ck_media_assets_size_positive')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_media_assets_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_media_assets_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_assets')),
    sa.UniqueConstraint('course_id', 'sha256', name=op.f('uq_media_assets_course_id_sha256'))
    )
    with op.batch_alter_table('media_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_assets_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_assets_sha256'), ['sha256'], unique=False)

    op.create_table('media_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('lesson_revision_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(lesson_revision_id IS NULL) <> (question_id IS NULL)', name=op.f('ck_media_uses_one_user')),
    sa.ForeignKeyConstraint(['asset_id'], ['media_assets.id'], name=op.f('fk_media_uses_asset_id_media_assets'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lesson_revision_id'], ['lesson_revisions.id'], name=op.f('fk_media_uses_lesson_revision_id_lesson_revisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_media_uses_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_uses')),
    sa.UniqueConstraint('asset_id', 'lesson_revision_id', 'question_id', name=op.f('uq_media_uses_asset_id_lesson_revision_id_question_id'))
    )
    with op.batch_alter_table('media_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_uses_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_uses_lesson_revision_id'), ['lesson_revision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_uses_question_id'), ['question_id'], unique=False)

    op.create_table('time_accommodations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('multiplier', sa.Double(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('multiplier >= 1 AND multiplier <= 4', name=op.f('ck_time_accommodations_multiplier_range')),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_time_accommodations_set_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_time_accommodations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_accommodations')),
    sa.UniqueConstraint('user_id', name=op.f('uq_time_accommodations_user_id'))
    )

    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objective_ids', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objectives', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.drop_constraint(batch_op.f('ck_questions_qtype_known'), type_='check')
        batch_op.create_check_constraint('qtype_known', NEW_TYPES)

    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('per_objective', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('blueprint', sa.JSON(), nullable=True))
        batch_op.alter_column('module_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_quizzes_course_id'), ['course_id'])
        batch_op.create_foreign_key(batch_op.f('fk_quizzes_course_id_courses'), 'courses', ['course_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('per_objective_positive', 'per_objective IS NULL OR per_objective > 0')
        batch_op.create_check_constraint('module_or_course', '(module_id IS NULL) <> (course_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM quizzes WHERE module_id IS NULL")
    op.execute("DELETE FROM questions WHERE qtype = 'hotspot'")
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_quizzes_module_or_course'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_quizzes_per_objective_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_quizzes_course_id_courses'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_quizzes_course_id'), type_='unique')
        batch_op.alter_column('module_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('blueprint')
        batch_op.drop_column('per_objective')
        batch_op.drop_column('course_id')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_questions_qtype_known'), type_='check')
        batch_op.create_check_constraint('qtype_known', OLD_TYPES)
        batch_op.drop_column('objectives')
    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.drop_column('objective_ids')
    op.drop_table('time_accommodations')
    with op.batch_alter_table('media_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_uses_question_id'))
        batch_op.drop_index(batch_op.f('ix_media_uses_lesson_revision_id'))
        batch_op.drop_index(batch_op.f('ix_media_uses_asset_id'))
    op.drop_table('media_uses')
    with op.batch_alter_table('media_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_assets_sha256'))
        batch_op.drop_index(batch_op.f('ix_media_assets_course_id'))
    op.drop_table('media_assets')
