"""Courses for tests, built through the services so they obey the same rules as the app."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from sqlalchemy import select

from modules.models import Course, Lesson, LessonCompletion, Module
from modules.services import save_course, save_lesson, save_module, set_course_published
from training.extensions import db


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
    for m, count in enumerate(lessons_per_module, start=1):
        module = save_module(
            course, Module(), title=f"Module {m}", slug=f"module-{m}",
            objectives=[f"Objective of module {m}"], intro="", published=True,
        )
        for n in range(1, count + 1):
            save_lesson(
                module, Lesson(), title=f"Lesson {m}.{n}", body=f"Text of lesson {m}.{n}.",
                author=author, slug=f"lesson-{n}", minutes=minutes, published=True,
            )
    if published:
        set_course_published(course, True)
    db.session.commit()
    return course


def lessons_of(course_id: int) -> list[Lesson]:
    """Every lesson of the course in reading order, fresh from the database."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(Lesson).join(Module).where(Module.course_id == course_id)
        .order_by(Module.position, Lesson.position)
    ))


def modules_of(course_id: int) -> list[Module]:
    """The modules of the course in order, fresh from the database."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(Module).where(Module.course_id == course_id).order_by(Module.position)
    ))


def complete(user_id: int, lessons) -> None:
    """Record completions directly (no signal), for arranging progress."""
    db.session.add_all(LessonCompletion(user_id=user_id, lesson_id=lesson.id) for lesson in lessons)
    db.session.commit()
