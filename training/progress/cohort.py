"""An instructor's view of a course's trainees, loaded in a fixed number of queries.

``services.course_progress`` answers for one trainee through ``build_outline``, which queries
per trainee. A cohort of hundreds cannot afford that, so this module loads completions,
attempts and sign-offs for every enrolled trainee at once and applies the same rules in
memory (lessons done, module quiz passed by the quiz's grading method, latest sign-off).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from modules.models import Course, Enrolment, LessonCompletion, Module
from modules.progress import visible_lessons, visible_modules
from quizzes.models import Attempt, Quiz
from quizzes.progress import summarize
from training.extensions import db
from training.progress.models import SignOff

STATUSES = ("in_progress", "awaiting_signoff", "complete")


@dataclass
class TraineeRow:
    """One trainee's line in the cohort table."""

    enrolment: Enrolment
    modules_done: int
    #: number (1-based, as shown) of the first incomplete module; None once all are complete
    module_reached: int | None
    steps_done: int
    steps_total: int
    quizzes_passed: int
    signoff: SignOff | None
    status: str

    @property
    def user(self):
        return self.enrolment.user

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0


@dataclass
class Cohort:
    course: Course
    modules: list[Module]
    quizzes: dict[int, Quiz]
    rows: list[TraineeRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)

    def filtered(self, status: str | None = None, module: int | None = None) -> list[TraineeRow]:
        """Rows with ``status`` and (when given) whose first incomplete module is ``module``;
        ``module=0`` selects trainees who completed every module."""
        rows = self.rows
        if status:
            rows = [r for r in rows if r.status == status]
        if module is not None:
            reached = None if module == 0 else module
            rows = [r for r in rows if r.module_reached == reached]
        return rows


def load_course(course_id: int) -> Course | None:
    """The course with its modules and lessons (three queries), or None."""
    return db.session.scalar(
        select(Course).where(Course.id == course_id)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )


def load_cohort(course: Course) -> Cohort:
    """Every enrolled trainee of ``course`` (modules and lessons already loaded) with status."""
    modules = visible_modules(course)
    lessons = {m.id: [lesson.id for lesson in visible_lessons(m)] for m in modules}
    quizzes = {
        q.module_id: q for q in db.session.scalars(
            select(Quiz).where(Quiz.module_id.in_([m.id for m in modules]))
        )
    } if modules else {}
    enrolled = select(Enrolment.user_id).where(Enrolment.course_id == course.id)
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id)
        .options(joinedload(Enrolment.user))
    ).all()
    done: dict[int, set[int]] = defaultdict(set)
    all_lessons = [lesson_id for ids in lessons.values() for lesson_id in ids]
    if all_lessons:
        for user_id, lesson_id in db.session.execute(
            select(LessonCompletion.user_id, LessonCompletion.lesson_id)
            .where(LessonCompletion.lesson_id.in_(all_lessons),
                   LessonCompletion.user_id.in_(enrolled))
        ):
            done[user_id].add(lesson_id)
    attempts: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    if quizzes:
        quiz_ids = [q.id for q in quizzes.values()]
        for attempt in db.session.scalars(
            select(Attempt).where(Attempt.quiz_id.in_(quiz_ids), Attempt.user_id.in_(enrolled))
            .order_by(Attempt.number)
        ):
            attempts[(attempt.user_id, attempt.quiz_id)].append(attempt)
    latest: dict[int, SignOff] = {}
    for signoff in db.session.scalars(
        select(SignOff).where(SignOff.course_id == course.id).order_by(SignOff.id)
    ):
        latest[signoff.trainee_id] = signoff
    cohort = Cohort(course=course, modules=modules, quizzes=quizzes)
    for enrolment in sorted(enrolments, key=lambda e: (e.user.name.lower(), e.user_id)):
        cohort.rows.append(_row(course, modules, lessons, quizzes, enrolment,
                                done[enrolment.user_id], attempts, latest.get(enrolment.user_id)))
    return cohort


def _row(course, modules, lessons, quizzes, enrolment, done_ids, attempts, signoff) -> TraineeRow:
    """Apply the completion rules to one trainee's preloaded data."""
    user_id = enrolment.user_id
    modules_done = steps_done = steps_total = quizzes_passed = 0
    reached = None
    for number, module in enumerate(modules, start=1):
        ids = lessons[module.id]
        lessons_done = sum(lesson_id in done_ids for lesson_id in ids)
        quiz = quizzes.get(module.id)
        passed = quiz is not None and summarize(quiz, attempts.get((user_id, quiz.id), [])).passed
        steps_total += len(ids) + (quiz is not None)
        steps_done += lessons_done + passed
        quizzes_passed += passed
        if lessons_done == len(ids) and (quiz is None or passed):
            modules_done += 1
        elif reached is None:
            reached = number
    online = steps_total > 0 and modules_done == len(modules)
    signoff_ok = signoff is not None and signoff.outcome == "pass"
    if course.requires_signoff:
        steps_total += 1
        steps_done += signoff_ok
    rules_met = online and (signoff_ok or not course.requires_signoff)
    if enrolment.completed_at is not None or rules_met:
        status = "complete"
    else:
        status = "awaiting_signoff" if online else "in_progress"
    return TraineeRow(enrolment, modules_done, reached, steps_done, steps_total, quizzes_passed,
                      signoff, status)


def course_overview() -> list[tuple[Course, int, int]]:
    """(course, trainees enrolled, trainees complete) for every course, in two queries."""
    counts = {
        course_id: (enrolled, completed)
        for course_id, enrolled, completed in db.session.execute(
            select(Enrolment.course_id, func.count(Enrolment.id),
                   func.count(Enrolment.completed_at))
            .group_by(Enrolment.course_id)
        )
    }
    courses = db.session.scalars(select(Course).order_by(Course.title, Course.id)).all()
    return [(c, *counts.get(c.id, (0, 0))) for c in courses]
