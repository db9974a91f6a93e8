"""The time-on-task migration keeps every completion and flags it as recorded untimed."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from training import create_app
from training.extensions import db

ROWS = [
    "INSERT INTO users (id, email, name, password_hash, active, session_version, created_at) "
    "VALUES (1, 'old@example.org', 'Old Trainee', 'x', true, 1, '2026-01-01 09:00:00')",
    "INSERT INTO courses (id, code, slug, title, summary, provider, approval_number, contact_hours,"
    " practical_hours, requires_signoff, signoff_checklist, published, created_at, updated_at) "
    "VALUES (1, 'DN-1', 'dn-1', 'Course', '', 'P', '', 1, 0, false, '[]', true,"
    " '2026-01-01 09:00:00', '2026-01-01 09:00:00')",
    "INSERT INTO course_modules (id, course_id, position, slug, title, objectives, intro, published)"
    " VALUES (1, 1, 1, 'm', 'Module', '[]', '', true)",
    "INSERT INTO lessons (id, module_id, position, slug, title, minutes, published) "
    "VALUES (1, 1, 1, 'l', 'Lesson', 20, true)",
    "INSERT INTO lesson_completions (id, user_id, lesson_id, completed_at) "
    "VALUES (1, 1, 1, '2026-01-02 10:00:00')",
]


def test_existing_completions_are_kept_and_flagged(tmp_path, signing_key_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url,
                     CERT_SIGNING_KEY_PATH=signing_key_path)
    with app.app_context():
        upgrade(revision="0003")
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.commit()
        upgrade(revision="0004")
        completion = db.session.execute(text(
            "SELECT user_id, lesson_id, completed_at, before_time_measured FROM lesson_completions"
        )).one()
        assert completion[:2] == (1, 1) and str(completion[2]).startswith("2026-01-02 10:00")
        assert bool(completion[3]) is True
        assert db.session.execute(text("SELECT seat_time_percent FROM courses")).scalar() == 50
        assert db.session.execute(text("SELECT count(*) FROM lesson_times")).scalar() == 0
        # the course table was rebuilt: its modules and lessons are still there
        assert db.session.execute(text("SELECT count(*) FROM lessons")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
