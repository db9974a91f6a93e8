"""What the course and lesson pages read: the course, and the trainee's progress in it.

Progress comes from the completion engine (``training.progress.engine``); that module
depends only on ``training.steps``, so reading pages may call it although the progress
package sits above this one. Authors get a preview instead: every module and lesson,
drafts included, unlocked and with nothing done.

A trainee's enrolment is read with their lesson facts (``modules.steps.LESSON_FACTS``), so
a page learns whether they may read and where they stand in one statement.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.content_cache import course_tree
from modules.models import Course, Lesson, Module
from modules.services import find_enrolment
from modules.steps import LessonFacts, LessonSteps, lesson_steps
from training.content_version import Snapshot
from training.extensions import db
from training.progress.engine import MODULE_STEP_KINDS, ModuleShape, Progress, course_progress, evaluate


def load_course(slug: str, *, include_drafts: bool) -> Course | None:
    """The course with its modules and lessons, in three queries (ORM objects, for changes)."""
    course = db.session.scalar(
        select(Course).where(Course.slug == slug)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )
    if course is None or (not course.published and not include_drafts):
        return None
    return course


def read_course(slug: str, *, include_drafts: bool) -> Snapshot | None:
    """The course tree as pages read it: from the worker's content cache (see
    ``modules.content_cache``), the same shape as ``load_course`` but read-only."""
    course = course_tree(slug)
    if course is None or (not course.published and not include_drafts):
        return None
    return course


def lesson_of(course: Course, lesson_id: int) -> Lesson:
    """The lesson ``lesson_id`` of the loaded course (callers found its step first)."""
    return next(lesson for m in course.modules for lesson in m.lessons if lesson.id == lesson_id)


def author_preview(course: Course) -> Progress:
    """Every module and lesson (drafts too) as an author checks them: unlocked, none done."""
    shape = [ModuleShape(m.id, m.title, n) for n, m in enumerate(course.modules, start=1)]
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    states = LessonSteps().steps(course, LessonFacts(lesson_steps(course, lessons)), user_id=0)
    return evaluate(shape, states, ignore_locks=True)


class ReaderView(NamedTuple):
    """What the course and lesson pages show a reader: progress, and whether they are enrolled."""

    progress: Progress
    enrolled: bool


def reader_view(course: Course, user, *, author: bool, modules_only: bool = False) -> ReaderView:
    """The engine's progress for a trainee (enrolled or not) and their enrolment; the preview
    for an author.

    ``modules_only``: just the module steps (lessons and module quizzes), which is all a lesson
    needs (its lock, its neighbours, its module); ``continue_step`` adds the rest when needed.
    """
    if author:
        return ReaderView(author_preview(course), find_enrolment(user.id, course.id) is not None)
    lessons = LessonSteps().load(course, [user.id])  # with the enrolment, in one statement
    progress = course_progress(course, user.id, kinds=MODULE_STEP_KINDS if modules_only else None,
                               loaded={LessonSteps: lessons})
    return ReaderView(progress, (user.id, course.id) in lessons.enrolments)
