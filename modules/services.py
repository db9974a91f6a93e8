"""Content rules: ordering, revisions, publication, enrolment and lesson completion."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from blinker import Namespace
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from modules.models import Course, Enrolment, Lesson, LessonCompletion, LessonRevision, Module
from modules.rendering import render_markdown
from training.extensions import db

signals = Namespace()
#: sent with (user, lesson) after a lesson is first marked complete
lesson_completed = signals.signal("lesson-completed")


class ContentError(ValueError):
    """A content rule was broken; ``field`` names the form field concerned."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def place(items: Sequence, item, position: int) -> None:
    """Move ``item`` to 1-based ``position`` in ``items`` and renumber all without gaps."""
    ordered = [i for i in items if i is not item]
    if not 1 <= position <= len(ordered) + 1:
        raise ContentError(f"Position must be between 1 and {len(ordered) + 1}.", "position")
    ordered.insert(position - 1, item)
    for index, each in enumerate(ordered, start=1):
        each.position = index


def renumber(items: Sequence) -> None:
    for index, each in enumerate(sorted(items, key=lambda i: i.position), start=1):
        each.position = index


def add_module(course: Course, module: Module, position: int | None = None) -> Module:
    """Add ``module`` (or keep it, when editing) at ``position``, checking its slug."""
    _check_unique_slug(course.modules, module, "module")
    if module not in course.modules:
        course.modules.append(module)
    place(course.modules, module, position or len(course.modules))
    return module


def add_lesson(module: Module, lesson: Lesson, position: int | None = None) -> Lesson:
    """Add ``lesson`` (or keep it, when editing) at ``position``, checking its slug."""
    _check_unique_slug(module.lessons, lesson, "lesson")
    if lesson not in module.lessons:
        module.lessons.append(lesson)
    place(module.lessons, lesson, position or len(module.lessons))
    return lesson


def delete_module(module: Module) -> None:
    course = module.course
    course.modules.remove(module)
    db.session.delete(module)
    renumber(course.modules)


def delete_lesson(lesson: Lesson) -> None:
    module = lesson.module
    module.lessons.remove(lesson)
    db.session.delete(lesson)
    renumber(module.lessons)


def _check_unique_slug(siblings: Sequence, item, kind: str) -> None:
    if any(s is not item and s.slug == item.slug for s in siblings):
        raise ContentError(f"Another {kind} here already uses the slug '{item.slug}'.", "slug")


def check_course_slug(course: Course) -> None:
    """Refuse a code or slug another course already uses."""
    for column, label in ((Course.slug, "slug"), (Course.code, "code")):
        value = getattr(course, column.key)
        clash = db.session.scalar(select(Course.id).where(column == value, Course.id != course.id))
        if clash is not None:
            raise ContentError(f"Another course already uses the {label} '{value}'.", label)


def save_revision(lesson: Lesson, title: str, body: str, author=None) -> LessonRevision | None:
    """Record a new revision when the title or body changed; returns it, or None if unchanged."""
    if not body.strip():
        raise ContentError("The lesson body cannot be empty.", "body")
    current = lesson.current_revision
    lesson.title = title
    if current is not None and current.body == body and current.title == title:
        return None
    number = (max((r.number for r in lesson.revisions), default=0)) + 1
    revision = LessonRevision(
        number=number,
        title=title,
        body=body,
        html=render_markdown(body),
        author_id=author.id if author is not None else None,
        author_name=author.name if author is not None else "Course content files",
    )
    lesson.revisions.append(revision)
    db.session.flush()
    lesson.current_revision = revision
    return revision


def contact_hours_from_minutes(minutes: int) -> Decimal:
    """CE contact hours for ``minutes`` of instruction: 60-minute hours, down to the tenth."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def update_contact_hours(course: Course) -> None:
    minutes = sum(
        lesson.minutes for module in course.modules if module.published
        for lesson in module.lessons if lesson.published
    )
    course.contact_hours = contact_hours_from_minutes(minutes)


def find_enrolment(user_id: int, course_id: int) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    )


def enrol(user, course: Course) -> Enrolment:
    """Enrol ``user`` once; enrolling again returns the existing enrolment."""
    if not course.published:
        raise ContentError("This course is not open for enrolment.")
    existing = find_enrolment(user.id, course.id)
    if existing is not None:
        return existing
    enrolment = Enrolment(user_id=user.id, course_id=course.id)
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:  # a concurrent request enrolled first
        return find_enrolment(user.id, course.id)
    return enrolment


def complete_lesson(user, lesson: Lesson) -> bool:
    """Mark the lesson done for ``user``; True the first time. Announces it to listeners."""
    done = db.session.scalar(
        select(LessonCompletion.id).where(
            LessonCompletion.user_id == user.id, LessonCompletion.lesson_id == lesson.id
        )
    )
    if done is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonCompletion(user_id=user.id, lesson_id=lesson.id))
    except IntegrityError:
        return False
    lesson_completed.send(lesson, user=user)
    return True
