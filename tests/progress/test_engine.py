"""The completion engine: the pure evaluator, and batch loading at a fixed query count."""

from __future__ import annotations

from modules.models import Enrolment, LessonCompletion
from tests.factories import complete_lessons, enrol, lessons_of, make_course, pass_quizzes, quizzes_of
from training.extensions import db
from training.progress.engine import (
    MODULE_STEP_KINDS,
    ModuleShape,
    cohort_progress,
    continue_step,
    course_progress,
    evaluate,
)
from training.steps import Gate, StepKind, StepState, Target

MODULES = [ModuleShape(1, "Anatomy", 1), ModuleShape(2, "Technique", 2)]


def lesson(n: int, module: int, done: bool = False) -> StepState:
    return StepState(key=f"lesson:{n}", kind=StepKind.LESSON, title=f"Lesson {n}", done=done,
                     module_id=module, position=n, target=Target("courses.lesson", {"lesson_id": n}))


def quiz(module: int, done: bool = False) -> StepState:
    return StepState(key=f"quiz:{module}", kind=StepKind.QUIZ, title=f"Quiz {module}", done=done,
                     module_id=module, position=100, gate=Gate.MODULE_STEPS,
                     target=Target("quizzes.quiz", {"quiz_id": module}))


def exam(done: bool = False) -> StepState:
    return StepState(key="exam", kind=StepKind.FINAL_EXAM, title="Final exam", done=done,
                     gate=Gate.ALL_MODULES, weight=3, target=Target("exam.take"))


def test_a_new_trainee_starts_at_the_first_lesson_with_later_steps_locked():
    progress = evaluate(MODULES, [lesson(1, 1), lesson(2, 1), quiz(1), lesson(3, 2), exam()])
    locked = {s.key: s.locked for s in progress.steps}
    assert locked == {"lesson:1": False, "lesson:2": False, "quiz:1": True,
                      "lesson:3": True, "exam": True}
    assert progress.continue_target == Target("courses.lesson", {"lesson_id": 1})
    assert progress.percent == 0 and not progress.complete
    assert [s.key for s in progress.remaining] == ["lesson:1", "lesson:2", "quiz:1", "lesson:3",
                                                   "exam"]


def test_the_quiz_opens_after_its_modules_lessons_and_continue_leads_there():
    progress = evaluate(MODULES, [quiz(1), lesson(1, 1, True), lesson(2, 1, True), lesson(3, 2)])
    assert not progress.step("quiz:1").locked
    assert progress.step("lesson:3").locked  # the next module waits for the quiz
    assert progress.continue_target == Target("quizzes.quiz", {"quiz_id": 1})
    assert progress.module_reached == 1 and progress.modules_done == 0


def test_percentage_is_by_weight_and_the_exam_waits_for_every_module():
    states = [lesson(1, 1, True), quiz(1, True), lesson(3, 2, True), exam()]
    progress = evaluate(MODULES, states)
    assert not progress.online_complete and not progress.complete
    assert not progress.step("exam").locked
    assert progress.percent == round(100 * 3 / 6)
    assert progress.status() == "in_progress"  # the exam is the trainee's to take
    assert progress.continue_target == Target("exam.take")
    rubric = StepState(key="rubric", kind=StepKind.RUBRIC, title="Skills assessed", done=False)
    waiting = evaluate(MODULES, states[:-1] + [exam(done=True), rubric])
    assert waiting.online_complete and waiting.status() == "awaiting_signoff"
    assert waiting.continue_target is None  # nothing the trainee can do now
    done = evaluate(MODULES, states[:-1] + [exam(done=True)])
    assert done.complete and done.percent == 100 and done.continue_target is None
    assert done.status() == "complete"


def test_steps_of_unknown_modules_are_ignored_and_an_empty_course_is_never_complete():
    assert not evaluate(MODULES, []).complete
    assert evaluate(MODULES, []).percent == 0
    progress = evaluate(MODULES[:1], [lesson(1, 1, True), lesson(9, 2)])
    assert [s.key for s in progress.steps] == ["lesson:1"] and progress.complete


def test_ignore_locks_opens_everything_for_authors():
    progress = evaluate(MODULES, [lesson(1, 1), quiz(1), lesson(3, 2), exam()], ignore_locks=True)
    assert not any(s.locked for s in progress.steps)


def _cohort(size: int, make_user):
    course = make_course(modules=3, lessons=3)
    lessons, quizzes = lessons_of(course), quizzes_of(course)
    users = [make_user("trainee") for _ in range(size)]
    for i, user in enumerate(users):
        db.session.add(Enrolment(user_id=user.id, course_id=course.id))
        db.session.add_all(LessonCompletion(user_id=user.id, lesson_id=lesson.id)
                           for lesson in lessons[: i % len(lessons)])
    db.session.commit()
    return course, [u.id for u in users], quizzes


def test_the_query_count_is_the_same_for_a_cohort_of_5_and_of_200(make_user, count_queries):
    counts, results = [], []
    for size in (5, 200):
        course, user_ids, _quizzes = _cohort(size, make_user)
        db.session.expire_all()
        course = db.session.get(type(course), course.id)
        _ = [m.lessons for m in course.modules]  # the shape is loaded by the caller
        with count_queries() as statements:
            progress = cohort_progress(course, user_ids)
        counts.append(len(statements))
        results.append(progress)
    assert counts[0] == counts[1], counts
    # lesson facts 1, quizzes 2 (the quizzes, their summary), the practical's attendance 1, rubric 2,
    # supervised plan 1, the content version and the final examination 1 each
    assert counts[1] <= 9
    assert len(results[1]) == 200
    assert [p.percent for p in list(results[1].values())[:5]] == [
        p.percent for p in results[0].values()]


def test_continue_step_and_partial_locks_agree_with_the_full_progress(app, make_user):
    """The shortcuts the pages take (only the module providers for a lock, the course-level
    providers only when no module step is open) give what the whole evaluation gives."""
    course = make_course(modules=2, requires_signoff=True)
    trainee = make_user("trainee")
    enrol(trainee, course)
    db.session.commit()
    first_module = list(course.modules[0].lessons)
    stages = [lambda: None, lambda: complete_lessons(trainee, course, first_module),
              lambda: complete_lessons(trainee, course), lambda: pass_quizzes(trainee, course)]
    for stage in stages:
        stage()
        db.session.commit()
        full = course_progress(course, trainee.id)
        partial = course_progress(course, trainee.id, kinds=MODULE_STEP_KINDS)
        assert continue_step(course, trainee.id) == full.next_step
        assert continue_step(course, trainee.id, partial) == full.next_step
        for step in partial.steps:
            assert full.step(step.key).locked == step.locked
    # at the end no module step is left: "Continue" is the practical's, from the full progress
    assert continue_step(course, trainee.id).state.module_id is None
