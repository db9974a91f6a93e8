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


def ensure_rubric(course: Course) -> list:
    """The course's rubric skills; a course without one gets a skill per former checklist item."""
    import re

    from sqlalchemy import select

    from training.practical.models import Skill

    skills = list(db.session.scalars(select(Skill).where(Skill.course_id == course.id, Skill.retired.is_(False))
                                     .order_by(Skill.position)))
    if skills:
        return skills
    titles = list(course.signoff_checklist or []) or ["Clean needle technique"]
    for position, title in enumerate(titles, start=1):
        key = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        skills.append(Skill(course_id=course.id, key=key, title=title, position=position,
                            criteria=[{"key": "observed", "text": f"{title}, observed"}]))
    db.session.add_all(skills)
    db.session.flush()
    return skills


_past_labs = count(1)


def attend_and_assess(instructor, trainee, course: Course, *, hours=None, competent: bool = True,
                      skills: list[str] | None = None, notes: str = "") -> Workshop:
    """The in-person practical done through the real services: a past lab with a seat, attendance
    recorded day by day for ``hours`` (default: the course's), and every rubric skill assessed
    (competent, or not yet; ``skills`` limits which titles are competent). Hours already
    attended count towards ``hours``."""
    from decimal import ROUND_CEILING

    from sqlalchemy import select

    from training.practical.attendance import attended_minutes, record_attendance, session_days
    from training.practical.models import Seat, SeatStatus
    from training.practical.rubric import assess_skill

    rubric = ensure_rubric(course)
    hours = Decimal(str(hours if hours is not None else course.practical_hours or 0))
    days = max(1, int((hours / 12).to_integral_value(rounding=ROUND_CEILING)))
    start = (datetime.now() - timedelta(days=days + 30 + next(_past_labs))).replace(
        hour=6, minute=0, second=0, microsecond=0)
    workshop = Workshop(course_id=course.id, title="Past lab", venue=f"Past lab room {next(_venues)}",
                        address="", timezone="UTC", starts_at=start, ends_at=start + timedelta(days=days - 1, hours=13),
                        capacity=50, ratio=50, required_module_ids=[])
    workshop.instructors = [instructor]
    db.session.add(workshop)
    db.session.flush()
    seat = db.session.scalar(select(Seat).where(Seat.workshop_id == workshop.id, Seat.user_id == trainee.id))
    db.session.add(seat or Seat(workshop_id=workshop.id, user_id=trainee.id, status=SeatStatus.CONFIRMED.value,
                                queue_number=1, confirmed_at=start))
    db.session.flush()
    # hours already attended count: a reassessment does not repeat the lab
    left = int(hours * 60) - attended_minutes(course.id, [trainee.id])[trainee.id]
    for day in session_days(workshop):
        if left <= 0:
            break
        minutes = min(left, 12 * 60)
        out = (datetime.combine(day, datetime.min.time()) + timedelta(hours=6, minutes=minutes)).time()
        record_attendance(workshop.id, trainee.id, day, check_in=datetime.min.time().replace(hour=6),
                          check_out=out, actor=instructor)
        left -= minutes
    for skill in rubric:
        ok = competent and (skills is None or skill.title in skills)
        assess_skill(workshop=workshop, trainee_id=trainee.id, skill_id=skill.id,
                     met={c["key"]: ok for c in skill.criteria}, outcome="competent" if ok else "not_yet",
                     notes=notes, actor=instructor)
    db.session.commit()
    return workshop
