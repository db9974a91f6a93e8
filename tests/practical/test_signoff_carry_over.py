"""Practical sign-offs recorded before the rubric are carried over as recorded by the migration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, select

from config import TestingConfig
from modules.models import Course, Enrolment
from training import create_app
from training.auth.models import User
from training.extensions import db
from training.practical.attendance import attended_minutes
from training.practical.models import Assessment, AttendanceEntry, Skill
from training.practical.providers import RubricSteps
from training.progress.models import SignOff

CHECKLIST = ["Clean needle technique and hand hygiene", "Safe patient positioning"]


def insert_old(table_name: str, model, /, **values) -> int:
    """Insert into the table as it exists now, filling required columns from the model's defaults."""
    table = Table(table_name, MetaData(), autoload_with=db.session.connection())
    for column in table.columns:
        default = model.__table__.c[column.name].default
        if column.name not in values and not column.nullable and default is not None and not column.primary_key:
            values[column.name] = default.arg(None) if callable(default.arg) else default.arg
    return db.session.execute(table.insert().values(**values)).inserted_primary_key[0]


def test_signoffs_become_assessments_and_attested_hours(tmp_path, signing_key_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite'}",
                     CERT_SIGNING_KEY_PATH=signing_key_path)
    with app.app_context():
        upgrade(revision="0005")
        # rows are written with the tables as they are at this revision (the models know later columns)
        trainee_id = insert_old("users", User, email="t@example.org", name="Dana", password_hash="x")
        instructor_id = insert_old("users", User, email="i@example.org", name="Ravi", password_hash="x")
        course_id = insert_old("courses", Course, code="DN-9", slug="dn-9", title="Level 1", requires_signoff=True,
                               practical_hours=Decimal(27), signoff_checklist=CHECKLIST)
        insert_old("enrolments", Enrolment, user_id=trainee_id, course_id=course_id)
        insert_old("signoffs", SignOff, trainee_id=trainee_id, course_id=course_id, instructor_id=instructor_id,
                   instructor_name="Ravi", evaluated_on=date(2026, 1, 10), hours=Decimal("20"),
                   checklist={CHECKLIST[0]: True, CHECKLIST[1]: False}, outcome="not_yet",
                   notes="Positioning unsafe")
        insert_old("signoffs", SignOff, trainee_id=trainee_id, course_id=course_id, instructor_id=instructor_id,
                   instructor_name="Ravi", evaluated_on=date(2026, 2, 1), hours=Decimal("27.5"),
                   checklist={CHECKLIST[0]: True, CHECKLIST[1]: True}, outcome="pass", notes="")
        db.session.commit()

        upgrade()
        trainee, course = db.session.get(User, trainee_id), db.session.get(Course, course_id)

        skills = db.session.scalars(select(Skill).order_by(Skill.position)).all()
        assert [(s.key, s.title) for s in skills] == [
            ("clean-needle-technique-and-hand-hygiene", CHECKLIST[0]), ("safe-patient-positioning", CHECKLIST[1])]
        assessments = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
        assert [(a.skill.key, a.outcome, a.assessor_name, a.signoff_id) for a in assessments] == [
            ("clean-needle-technique-and-hand-hygiene", "competent", "Ravi", 1),
            ("safe-patient-positioning", "not_yet", "Ravi", 1),
            ("clean-needle-technique-and-hand-hygiene", "competent", "Ravi", 2),
            ("safe-patient-positioning", "competent", "Ravi", 2),
        ]
        assert assessments[1].notes == "Positioning unsafe"
        # the hours that counted (the passing sign-off's), once, with where they came from
        [entry] = db.session.scalars(select(AttendanceEntry)).all()
        assert (entry.minutes, entry.signoff_id, entry.workshop_id) == (1650, 2, None)
        assert attended_minutes(course.id, [trainee.id]) == {trainee.id: 1650}
        [step] = RubricSteps().steps(course, RubricSteps().load(course, [trainee.id]), trainee.id)
        assert step.done and step.detail == "2 of 2 skills competent"
        # the sign-offs themselves stay, readable
        assert db.session.scalar(select(SignOff.notes).where(SignOff.id == 1)) == "Positioning unsafe"
        db.session.remove()
        db.engine.dispose()
