"""The lessons of a course as steps of the completion engine (``training.steps``).

A lesson is done when the trainee marked it complete. Its evidence carries the measured
active seconds and what the course's seat-time rule asks, which the certificate and the
records read; a completion recorded before time was measured says so instead of inventing
a time.

Everything the lesson and course pages need of a trainee besides quizzes (completions,
measured time and whether they are enrolled) is read in one statement, ``LESSON_FACTS``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, cast, literal_column, select, union_all

from modules.models import Course, Enrolment, Lesson, LessonCompletion, LessonTime, Module
from modules.seat_time import required_seconds
from training.content_version import cached_content
from training.extensions import db
from training.steps import StepKind, StepState, Target


def published_lessons(course: Course) -> list[Lesson]:
    """The lessons a trainee must read: published lessons of published modules, in order."""
    return [lesson for module in course.modules if module.published
            for lesson in module.lessons if lesson.published]


class LessonStep(NamedTuple):
    """What a lesson's step is for every trainee (content); ``steps`` adds the trainee's facts."""

    lesson_id: int
    key: str
    title: str
    module_id: int
    position: int
    minutes: int
    detail: str
    target: Target
    required_seconds: int


def lesson_steps(course: Course, lessons: Sequence[Lesson]) -> list[LessonStep]:
    return [LessonStep(
        lesson.id, f"lesson:{lesson.id}", lesson.title, lesson.module_id, lesson.position, lesson.minutes,
        f"{lesson.minutes} min", Target("courses.lesson", {"slug": course.slug, "lesson_id": lesson.id}),
        required_seconds(lesson.minutes, course.seat_time_percent),
    ) for lesson in lessons]


def _lesson_facts_statement():
    """Rows of (fact, user id, lesson or course id, value) for ``:user_ids`` in ``:course_ids``:
    completions (value: recorded before time was measured), measured time (value: active
    seconds) and enrolments.

    Lessons are chosen by their course in the statement, not by a list of lesson ids: a course
    has dozens of lessons, and past 50 parameters psycopg stops preparing a statement and
    PostgreSQL parses it again on every page. Lessons of draft modules come back too; the steps
    read only the published ones.
    """
    done, time, enrolled = LessonCompletion.__table__.c, LessonTime.__table__.c, Enrolment.__table__.c
    users, courses = bindparam("user_ids", expanding=True), bindparam("course_ids", expanding=True)
    lesson, module = Lesson.__table__.c, Module.__table__.c
    lessons = (select(lesson.id).join(Module.__table__, module.id == lesson.module_id)
               .where(module.course_id.in_(courses)))
    return union_all(
        select(literal_column("'done'").label("fact"), done.user_id, done.lesson_id.label("ref"),
               cast(done.before_time_measured, Integer).label("value"))
        .where(done.user_id.in_(users), done.lesson_id.in_(lessons)),
        select(literal_column("'time'"), time.user_id, time.lesson_id, time.active_seconds)
        .where(time.user_id.in_(users), time.lesson_id.in_(lessons)),
        select(literal_column("'enrolled'"), enrolled.user_id, enrolled.course_id, literal_column("0"))
        .where(enrolled.user_id.in_(users), enrolled.course_id.in_(courses)),
    )


#: built once: a statement reused as is costs no construction on each page
LESSON_FACTS = _lesson_facts_statement()


@dataclass
class LessonFacts:
    #: the course's lesson steps as content (from the content cache once loaded)
    lessons: list[LessonStep]
    #: user id -> {lesson id: completed before time was measured}
    completions: dict[int, dict[int, bool]] = field(default_factory=dict)
    #: (user id, lesson id) -> active seconds measured
    seconds: dict[tuple[int, int], int] = field(default_factory=dict)
    #: (user id, course id) of the trainees' enrolments (pages decide who may read with it)
    enrolments: set[tuple[int, int]] = field(default_factory=set)


class LessonSteps:
    """Every published lesson is a step of its module (one statement for any batch)."""

    kind = StepKind.LESSON

    def load(self, course: Course, user_ids: Sequence[int]) -> LessonFacts:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses: Sequence[Course],
                     user_ids: Sequence[int]) -> dict[int, LessonFacts]:
        """Facts for several courses at once (a trainee's record): still one statement."""
        facts = {course.id: LessonFacts(cached_content(
            ("lesson steps", course.id), lambda course=course: lesson_steps(course, published_lessons(course))))
            for course in courses}
        if not user_ids or not facts:
            return facts
        completions: dict[int, dict[int, bool]] = defaultdict(dict)
        seconds: dict[tuple[int, int], int] = {}
        enrolments: set[tuple[int, int]] = set()
        for fact, user_id, ref, value in db.session.execute(LESSON_FACTS, {
            "user_ids": list(user_ids), "course_ids": list(facts),
        }):
            if fact == "done":
                completions[user_id][ref] = bool(value)
            elif fact == "time":
                seconds[(user_id, ref)] = value
            else:
                enrolments.add((user_id, ref))
        for each in facts.values():  # every course reads the shared maps by its lesson ids
            each.completions, each.seconds, each.enrolments = dict(completions), seconds, enrolments
        return facts

    def steps(self, course: Course, facts: LessonFacts, user_id: int) -> list[StepState]:
        done = facts.completions.get(user_id, {})
        states = []
        for lesson in facts.lessons:
            active = facts.seconds.get((user_id, lesson.lesson_id), 0)
            states.append(StepState(
                key=lesson.key, kind=StepKind.LESSON, title=lesson.title,
                done=lesson.lesson_id in done, module_id=lesson.module_id, position=lesson.position,
                detail=lesson.detail, target=lesson.target,
                evidence={
                    "lesson_id": lesson.lesson_id, "minutes": lesson.minutes, "active_seconds": active,
                    "required_seconds": lesson.required_seconds,
                    "seat_time_met": active >= lesson.required_seconds,
                    "before_time_measured": done.get(lesson.lesson_id, False),
                },
            ))
        return states
