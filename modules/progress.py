"""What a trainee has done in a course, and what is locked.

A module is complete when its published lessons are complete and every extra step that other
packages attach to it (the module quiz, from ``quizzes``) is done; module N+1 unlocks when
module N is complete. Other packages add steps through ``register_step_provider`` so this
layer need not import them. The whole outline costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.models import Course, Lesson, LessonCompletion, Module
from training.extensions import db


@dataclass
class ExtraStep:
    """A step another package adds at the end of a module, such as its quiz."""

    title: str
    url: str | None
    done: bool
    detail: str = ""


StepProvider = Callable[[object, Sequence[Module]], dict[int, list[ExtraStep]]]


@dataclass
class LessonState:
    lesson: Lesson
    done: bool
    locked: bool


@dataclass
class ModuleState:
    module: Module
    lessons: list[LessonState]
    steps: list[ExtraStep]
    locked: bool

    @property
    def total(self) -> int:
        return len(self.lessons) + len(self.steps)

    @property
    def done_count(self) -> int:
        return sum(s.done for s in self.lessons) + sum(s.done for s in self.steps)

    @property
    def complete(self) -> bool:
        return self.done_count == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 100


@dataclass
class Outline:
    course: Course
    modules: list[ModuleState] = field(default_factory=list)

    @property
    def percent(self) -> int:
        total = sum(m.total for m in self.modules)
        done = sum(m.done_count for m in self.modules)
        return round(100 * done / total) if total else 0

    @property
    def complete(self) -> bool:
        return all(m.complete for m in self.modules)

    def lesson_sequence(self) -> list[LessonState]:
        return [state for module in self.modules for state in module.lessons]

    def find(self, lesson_id: int) -> tuple[ModuleState, LessonState] | None:
        for module in self.modules:
            for state in module.lessons:
                if state.lesson.id == lesson_id:
                    return module, state
        return None

    def remaining_lessons(self) -> int:
        return sum(not s.done for s in self.lesson_sequence())

    def next_lesson(self) -> LessonState | None:
        return next((s for s in self.lesson_sequence() if not s.done and not s.locked), None)

    def neighbours(self, state: LessonState) -> tuple[LessonState | None, LessonState | None]:
        """The lessons before and after ``state`` across module boundaries, for previous/next."""
        sequence = self.lesson_sequence()
        index = next(i for i, s in enumerate(sequence) if s is state)
        previous = sequence[index - 1] if index > 0 else None
        following = sequence[index + 1] if index + 1 < len(sequence) else None
        return previous, following


def register_step_provider(app, provider: StepProvider) -> None:
    """Let a higher layer add steps to modules without this layer importing it."""
    app.extensions.setdefault("module_step_providers", []).append(provider)


def load_course(slug: str, *, include_drafts: bool) -> Course | None:
    """The course with its modules and lessons, in three queries."""
    stmt = (
        select(Course)
        .where(Course.slug == slug)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )
    course = db.session.scalar(stmt)
    if course is None or (not course.published and not include_drafts):
        return None
    return course


def visible_modules(course: Course, include_drafts: bool = False) -> list[Module]:
    """Draft modules are for authors only."""
    return [m for m in course.modules if m.published or include_drafts]


def visible_lessons(module: Module, include_drafts: bool = False) -> list[Lesson]:
    """Draft lessons are for authors only."""
    return [lesson for lesson in module.lessons if lesson.published or include_drafts]


def build_outline(
    course: Course, user, *, ignore_locks: bool = False, include_drafts: bool = False
) -> Outline:
    """Per-module progress and locks of ``user`` in ``course`` (already loaded)."""
    modules = visible_modules(course, include_drafts)
    done_ids = completed_lesson_ids(user.id, course.id) if user is not None else set()
    steps: dict[int, list[ExtraStep]] = {}
    for provider in current_app.extensions.get("module_step_providers", []):
        for module_id, extra in provider(user, modules).items():
            steps.setdefault(module_id, []).extend(extra)
    outline = Outline(course=course)
    previous_complete = True
    for module in modules:
        locked = not previous_complete and not ignore_locks
        lessons = [
            LessonState(lesson=lesson, done=lesson.id in done_ids, locked=locked)
            for lesson in visible_lessons(module, include_drafts)
        ]
        state = ModuleState(
            module=module, lessons=lessons, steps=steps.get(module.id, []), locked=locked
        )
        outline.modules.append(state)
        previous_complete = state.complete
    return outline


def completed_lesson_ids(user_id: int, course_id: int) -> set[int]:
    """Ids of the lessons ``user_id`` completed in the course, in one query."""
    stmt = (
        select(LessonCompletion.lesson_id)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonCompletion.user_id == user_id, Module.course_id == course_id)
    )
    return set(db.session.scalars(stmt))
