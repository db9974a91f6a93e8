"""The course content every trainee page reads, from the worker's content cache.

A course tree (the course, every module in order, every lesson of each in order) and lesson
revisions are read on every course page, lesson page, heartbeat and quiz step. They come from
``training.content_version``: built once per worker and content version, as snapshots, and
checked against the database's version with one statement per request. Pages that change
content, or need ORM objects to change progress, load their rows as before.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.models import Course, LessonRevision, Module
from training.content_version import Snapshot, cached_content, snapshot
from training.extensions import db


def _tree(course: Course) -> Snapshot:
    return snapshot(course, modules=tuple(
        snapshot(module, lessons=tuple(snapshot(lesson) for lesson in module.lessons))
        for module in course.modules))


def _load_tree(where) -> Snapshot | None:
    course = db.session.scalar(
        select(Course).where(where).options(selectinload(Course.modules).selectinload(Module.lessons)))
    return None if course is None else _tree(course)


def course_tree(slug: str) -> Snapshot | None:
    """The course ``slug`` with all its modules and lessons (drafts too), as snapshots."""
    course_id = cached_content(("course id", slug), lambda: db.session.scalar(
        select(Course.id).where(Course.slug == slug)))
    return None if course_id is None else course_tree_by_id(course_id)


def course_tree_by_id(course_id: int) -> Snapshot | None:
    """The course ``course_id`` with all its modules and lessons (drafts too), as snapshots."""
    return cached_content(("course tree", course_id), lambda: _load_tree(Course.id == course_id))


def course_id_of_module(module_id: int) -> int | None:
    """The course a module belongs to."""
    return cached_content(("module course", module_id), lambda: db.session.scalar(
        select(Module.course_id).where(Module.id == module_id)))


def lesson_revision(revision_id: int | None) -> Snapshot | None:
    """A lesson revision with its rendered HTML (revisions are never edited)."""
    if revision_id is None:
        return None

    def load() -> Snapshot | None:
        revision = db.session.get(LessonRevision, revision_id)
        return None if revision is None else snapshot(revision)

    return cached_content(("revision", revision_id), load)
