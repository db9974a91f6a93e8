"""The test factories: courses, enrolments, progress, attempts and the practical.

``make_course`` builds a course row by row (fast, any shape); ``build_course`` builds one
through the authoring services, so it obeys the same rules as the app. Progress goes
through the real services and signals (``complete_lesson`` sends ``lesson_completed``;
passed attempts are announced with ``attempt_graded``), so the certificate event handlers
run exactly as they do behind the real pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count
from uuid import uuid4

from sqlalchemy import select

from modules.models import Course, Enrolment, Lesson, LessonCompletion, Module
from modules.services import complete_lesson, save_course, save_lesson, save_module, set_course_published
from quizzes.models import Attempt, Quiz
from quizzes.signals import attempt_graded
from training.certificates.models import Certificate
from training.extensions import db
from training.practical.models import Workshop
from training.practical.workshops import WorkshopInput, save_workshop

CHECKLIST = ["Clean needle technique", "Palpation of a taut band", "Safe patient positioning"]
_codes = count(1)


def make_course(*, modules: int = 2, lessons: int = 2, quizzes: bool = True,
                requires_signoff: bool = True, practical_hours: str = "27",
                contact_hours: str = "9.5", checklist: list[str] | None = None,
                seat_time_percent: int = 0, **fields) -> Course:
    """A published course; its seat-time rule is off unless a test asks for one."""
    n = next(_codes)
    values = dict(
        code=f"DN-{100 + n}", slug=f"course-{n}", title=f"Dry Needling Level {n}",
        provider="Northfield Institute of Manual Therapy", approval_number=f"NIMT-CE-{n:04d}",
        contact_hours=Decimal(contact_hours), practical_hours=Decimal(practical_hours),
        requires_signoff=requires_signoff, seat_time_percent=seat_time_percent,
        signoff_checklist=list(CHECKLIST if checklist is None else checklist), published=True,
    )
    values.update(fields)
    course = Course(**values)
    for m in range(1, modules + 1):
        module = Module(position=m, slug=f"m{m}", title=f"Module {m} topic")
        module.lessons = [
            Lesson(position=i, slug=f"l{i}", title=f"Lesson {m}.{i}", minutes=30)
            for i in range(1, lessons + 1)
        ]
        course.modules.append(module)
    db.session.add(course)
    db.session.flush()
    if quizzes:
        for module in course.modules:
            db.session.add(Quiz(module_id=module.id, title=f"{module.title} quiz", pass_mark=80))
    db.session.commit()
    return course


def enrol(user, course: Course, *, first_module_read: bool = False) -> Enrolment:
    """Enrol ``user``; with ``first_module_read``, the first module's lessons are recorded as
    read (directly, no signal), so its quiz opens."""
    enrolment = Enrolment(user_id=user.id, course_id=course.id)
    db.session.add(enrolment)
    if first_module_read:
        first = min(course.modules, key=lambda m: m.position)
        db.session.add_all(LessonCompletion(user_id=user.id, lesson_id=lesson.id) for lesson in first.lessons)
    db.session.commit()
    return enrolment


def lessons_of(course: Course) -> list[Lesson]:
    return [lesson for module in course.modules for lesson in module.lessons]


def quizzes_of(course: Course) -> list[Quiz]:
    ids = [m.id for m in course.modules]
    return list(db.session.scalars(select(Quiz).where(Quiz.module_id.in_(ids)).order_by(Quiz.id)))


def complete_lessons(user, course: Course, lessons: list[Lesson] | None = None) -> None:
    """Mark lessons done through the real service (which announces each one)."""
    for lesson in lessons if lessons is not None else lessons_of(course):
        complete_lesson(user, lesson)
    db.session.commit()


def add_attempt(user, quiz: Quiz, *, passed: bool = True, percent: float | None = None,
                announce: bool = True) -> Attempt:
    """A submitted, graded attempt, announced as the quiz layer does after grading."""
    number = 1 + len(db.session.scalars(
        select(Attempt.id).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
    ).all())
    attempt = Attempt(
        quiz_id=quiz.id, user_id=user.id, number=number, layout=[],
        started_at=datetime(2026, 1, 5, 9, 0), submitted_at=datetime(2026, 1, 5, 9, 20),
        submitted_by="trainee", score=1.0, max_score=1.0,
        percent=percent if percent is not None else (90.0 if passed else 40.0), passed=passed,
    )
    db.session.add(attempt)
    db.session.flush()
    if announce:
        attempt_graded.send(attempt)
    db.session.commit()
    return attempt


def pass_quizzes(user, course: Course, quizzes: list[Quiz] | None = None) -> None:
    for quiz in quizzes if quizzes is not None else quizzes_of(course):
        add_attempt(user, quiz)


def sign_off(instructor, trainee, course: Course, *, outcome: str = "pass",
             hours: str | None = None, skills: list[str] | None = None, **extra):
    """The practical done: attendance for ``hours`` and every rubric skill assessed competent
    ("pass") or not yet, through the practical's real services (which replaced the sign-off)."""
    extra.pop("evaluated_on", None)
    return attend_and_assess(instructor, trainee, course, hours=hours, competent=outcome == "pass",
                             skills=skills, notes=extra.pop("notes", ""))


def certificates_of(user, course: Course | None = None) -> list[Certificate]:
    stmt = select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)
    if course is not None:
        stmt = stmt.where(Certificate.course_id == course.id)
    return list(db.session.scalars(stmt))


def finish_online(user, course: Course) -> None:
    complete_lessons(user, course)
    pass_quizzes(user, course)


def build_course(
    lessons_per_module: tuple[int, ...] = (2, 2), *, published: bool = True, minutes: int = 15,
    author=None, title: str | None = None, seat_time_percent: int = 0,
) -> Course:
    """A course with one module per entry of ``lessons_per_module``; committed.

    Its seat-time rule is off unless a test asks for one (``seat_time_percent``).
    """
    tag = uuid4().hex[:10]
    course = save_course(Course(published=False), {
        "code": f"T-{tag.upper()}", "slug": f"course-{tag}", "title": title or f"Course {tag}",
        "summary": "What this course is about.", "provider": "Test Institute",
        "approval_number": "AP-0001", "practical_hours": Decimal(0), "requires_signoff": False,
        "signoff_checklist": [], "seat_time_percent": seat_time_percent,
    })
    for m, lesson_count in enumerate(lessons_per_module, start=1):
        module = save_module(
            course, Module(), title=f"Module {m}", slug=f"module-{m}",
            objectives=[f"Objective of module {m}"], intro="", published=True,
        )
        for n in range(1, lesson_count + 1):
            save_lesson(
                module, Lesson(), title=f"Lesson {m}.{n}", body=f"Text of lesson {m}.{n}.",
                author=author, slug=f"lesson-{n}", minutes=minutes, published=True,
            )
    if published:
        set_course_published(course, True)
    db.session.commit()
    return course


def lessons_in(course_id: int) -> list[Lesson]:
    """Every lesson of the course in reading order, fresh from the database."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(Lesson).join(Module).where(Module.course_id == course_id)
        .order_by(Module.position, Lesson.position)
    ))


def modules_in(course_id: int) -> list[Module]:
    """The modules of the course in order, fresh from the database."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(Module).where(Module.course_id == course_id).order_by(Module.position)
    ))


def record_completions(user_id: int, lessons) -> None:
    """Record completions directly (no signal), for arranging progress."""
    db.session.add_all(LessonCompletion(user_id=user_id, lesson_id=lesson.id) for lesson in lessons)
    db.session.commit()


# --- the in-person practical -------------------------------------------------------------

_venues = count(1)


def make_lab_course(*, modules: int = 2, practical_hours: str = "6", **fields) -> Course:
    """A course shaped for the practical's tests: one lesson a module, 2 contact hours, no checklist."""
    return make_course(modules=modules, lessons=1, practical_hours=practical_hours, contact_hours="2",
                       checklist=[], **fields)


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
