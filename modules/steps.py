"""The lessons of a course as steps of the completion engine (``training.steps``).

A lesson is done when the trainee marked it complete. Its evidence carries the measured
active seconds and what the course's seat-time rule asks, which the certificate and the
records read; a completion recorded before time was measured says so instead of inventing
a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from modules.models import Course, Lesson, LessonCompletion
from modules.seat_time import active_seconds, required_seconds
from training.extensions import db
from training.steps import StepKind, StepState, Target


def published_lessons(course: Course) -> list[Lesson]:
    """The lessons a trainee must read: published lessons of published modules, in order."""
    return [lesson for module in course.modules if module.published
            for lesson in module.lessons if lesson.published]


@dataclass
class LessonFacts:
    lessons: list[Lesson]
    #: user id -> {lesson id: completed before time was measured}
    completions: dict[int, dict[int, bool]] = field(default_factory=dict)
    #: (user id, lesson id) -> active seconds measured
    seconds: dict[tuple[int, int], int] = field(default_factory=dict)


class LessonSteps:
    """Every published lesson is a step of its module (two queries for any batch)."""

    kind = StepKind.LESSON

    def load(self, course: Course, user_ids: Sequence[int]) -> LessonFacts:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses: Sequence[Course],
                     user_ids: Sequence[int]) -> dict[int, LessonFacts]:
        """Facts for several courses at once (a trainee's record): still two queries."""
        facts = {course.id: LessonFacts(published_lessons(course)) for course in courses}
        lesson_ids = [lesson.id for f in facts.values() for lesson in f.lessons]
        if not lesson_ids or not user_ids:
            return facts
        completions: dict[int, dict[int, bool]] = defaultdict(dict)
        for user_id, lesson_id, untimed in db.session.execute(
            select(LessonCompletion.user_id, LessonCompletion.lesson_id,
                   LessonCompletion.before_time_measured)
            .where(LessonCompletion.user_id.in_(list(user_ids)),
                   LessonCompletion.lesson_id.in_(lesson_ids))
        ):
            completions[user_id][lesson_id] = untimed
        seconds = active_seconds(user_ids, lesson_ids)
        for each in facts.values():  # every course reads the shared maps by its lesson ids
            each.completions, each.seconds = dict(completions), seconds
        return facts

    def steps(self, course: Course, facts: LessonFacts, user_id: int) -> list[StepState]:
        done = facts.completions.get(user_id, {})
        states = []
        for lesson in facts.lessons:
            active = facts.seconds.get((user_id, lesson.id), 0)
            needed = required_seconds(lesson.minutes, course.seat_time_percent)
            states.append(StepState(
                key=f"lesson:{lesson.id}", kind=StepKind.LESSON, title=lesson.title,
                done=lesson.id in done, module_id=lesson.module_id, position=lesson.position,
                detail=f"{lesson.minutes} min",
                target=Target("courses.lesson", {"slug": course.slug, "lesson_id": lesson.id}),
                evidence={
                    "lesson_id": lesson.id, "minutes": lesson.minutes, "active_seconds": active,
                    "required_seconds": needed, "seat_time_met": active >= needed,
                    "before_time_measured": done.get(lesson.id, False),
                },
            ))
        return states
