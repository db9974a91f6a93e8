"""Courses, workshops and bookings for the practical tests, built through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

from modules.models import Course, Enrolment, Lesson, Module
from quizzes.models import Quiz
from training.extensions import db
from training.practical.models import Workshop
from training.practical.workshops import WorkshopInput, save_workshop

_codes = count(1)
_venues = count(1)


def make_course(*, modules: int = 2, practical_hours: str = "6", **fields) -> Course:
    n = next(_codes)
    values = dict(
        code=f"PR-{100 + n}", slug=f"practical-{n}", title=f"Dry Needling Lab {n}",
        provider="Northfield Institute of Manual Therapy", approval_number=f"NIMT-{n:04d}",
        contact_hours=Decimal("2"), practical_hours=Decimal(practical_hours), requires_signoff=True,
        signoff_checklist=[], published=True, seat_time_percent=0,
    )
    values.update(fields)
    course = Course(**values)
    for m in range(1, modules + 1):
        module = Module(position=m, slug=f"m{m}", title=f"Module {m} topic")
        module.lessons = [Lesson(position=1, slug="l1", title=f"Lesson {m}.1", minutes=30)]
        course.modules.append(module)
    db.session.add(course)
    db.session.flush()
    for module in course.modules:
        db.session.add(Quiz(module_id=module.id, title=f"{module.title} quiz", pass_mark=80))
    db.session.commit()
    return course


def enrol(user, course: Course) -> Enrolment:
    enrolment = Enrolment(user_id=user.id, course_id=course.id)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def make_workshop(course: Course, instructors, *, capacity: int = 10, ratio: int = 10, days_ahead: int = 30,
                  hours: int = 8, venue: str | None = None, tz: str = "America/Chicago",
                  required_module_ids=(), title: str = "Weekend lab") -> Workshop:
    start = (datetime.now() + timedelta(days=days_ahead)).replace(hour=8, minute=0, second=0, microsecond=0)
    data = WorkshopInput(
        title=title, venue=venue or f"Lab room {next(_venues)}", address="12 Harbor Street, Austin, TX",
        timezone=tz, starts_local=start, ends_local=start + timedelta(hours=hours), capacity=capacity,
        ratio=ratio, instructor_ids=[i.id for i in instructors], required_module_ids=list(required_module_ids),
    )
    workshop = save_workshop(course, data, actor=instructors[0])
    db.session.commit()
    return workshop


def enrolled_trainees(make_user, course: Course, n: int) -> list:
    trainees = [make_user("trainee") for _ in range(n)]
    for trainee in trainees:
        enrol(trainee, course)
    return trainees
