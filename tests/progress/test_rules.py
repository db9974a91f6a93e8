"""Completion rules: every combination of lessons, quizzes and the in-person practical."""

from __future__ import annotations

import itertools

import pytest

from modules.models import Enrolment
from tests.factories import (
    add_attempt,
    certificates_of,
    complete_lessons,
    enrol,
    finish_online,
    lessons_of,
    make_course,
    pass_quizzes,
    quizzes_of,
    sign_off,
)
from training.extensions import db
from training.progress.engine import course_progress
from training.progress.services import rules_met
from training.steps import StepKind

SIGNOFF_STATES = ("none", "not_yet", "pass")
COMBINATIONS = [
    (True, lessons, quizzes, signoff)
    for lessons, quizzes, signoff in itertools.product((False, True), (False, True), SIGNOFF_STATES)
] + [(False, lessons, quizzes, "none") for lessons, quizzes in itertools.product((False, True), repeat=2)]


@pytest.mark.parametrize(
    ("requires_signoff", "lessons_done", "quizzes_passed", "signoff"), COMBINATIONS,
    ids=lambda v: str(v),
)
def test_every_combination_of_rules(make_user, instructor, requires_signoff, lessons_done,
                                    quizzes_passed, signoff):
    course = make_course(requires_signoff=requires_signoff)
    trainee = make_user("trainee")
    enrol(trainee, course)
    if lessons_done:
        complete_lessons(trainee, course)
    else:  # all but the last lesson: "almost" must not count
        complete_lessons(trainee, course, lessons_of(course)[:-1])
    if quizzes_passed:
        pass_quizzes(trainee, course)
    else:
        pass_quizzes(trainee, course, quizzes_of(course)[:-1])
        add_attempt(trainee, quizzes_of(course)[-1], passed=False)
    if signoff != "none":
        sign_off(instructor, trainee, course, outcome=signoff)

    expected = lessons_done and quizzes_passed and (not requires_signoff or signoff == "pass")
    assert rules_met(course, trainee) is expected
    certificates = certificates_of(trainee, course)
    assert len(certificates) == (1 if expected else 0)
    enrolment = db.session.get(Enrolment, db.session.scalar(
        db.select(Enrolment.id).where(Enrolment.user_id == trainee.id)
    ))
    assert (enrolment.completed_at is not None) is expected
    if expected:
        assert enrolment.completed_at.date().isoformat() == certificates[0].snapshot["completion_date"]


def test_the_latest_signoff_decides(trainee, instructor, course):
    finish_online(trainee, course)
    sign_off(instructor, trainee, course, outcome="not_yet", notes="Palpation needs work")
    progress = course_progress(course, trainee.id)
    assert progress.status() == "awaiting_signoff"
    assert not progress.complete
    sign_off(instructor, trainee, course, outcome="pass")
    assert course_progress(course, trainee.id).complete


def test_a_later_not_yet_after_a_pass_unmeets_the_rule_before_the_online_part(
    trainee, instructor, course
):
    sign_off(instructor, trainee, course, outcome="pass")
    sign_off(instructor, trainee, course, outcome="not_yet")
    finish_online(trainee, course)
    assert not rules_met(course, trainee)
    assert certificates_of(trainee) == []


def test_failed_quiz_then_pass_by_highest_grade(trainee, instructor, course):
    complete_lessons(trainee, course)
    quizzes = quizzes_of(course)
    pass_quizzes(trainee, course, quizzes[:-1])
    add_attempt(trainee, quizzes[-1], passed=False)
    sign_off(instructor, trainee, course)
    assert certificates_of(trainee) == []
    add_attempt(trainee, quizzes[-1], passed=True)
    assert len(certificates_of(trainee)) == 1


def test_a_course_without_content_is_never_complete(make_user):
    course = make_course(modules=0, requires_signoff=False)
    trainee = make_user("trainee")
    enrol(trainee, course)
    assert not rules_met(course, trainee)


def test_unpublished_lessons_do_not_count(make_user):
    course = make_course(requires_signoff=False)
    draft = lessons_of(course)[-1]
    draft.published = False
    db.session.commit()
    trainee = make_user("trainee")
    enrol(trainee, course)
    complete_lessons(trainee, course, lessons_of(course)[:-1])
    pass_quizzes(trainee, course)
    assert rules_met(course, trainee)
    assert len(certificates_of(trainee)) == 1


def test_a_module_without_a_quiz_needs_only_its_lessons(make_user):
    course = make_course(quizzes=False, requires_signoff=False)
    trainee = make_user("trainee")
    enrol(trainee, course)
    complete_lessons(trainee, course)
    assert len(certificates_of(trainee)) == 1


def test_progress_percent_and_what_is_left(trainee, course, instructor):
    progress = course_progress(course, trainee.id)
    # 2 modules x (2 lessons + 1 quiz) + lab hours + the rubric = 8 steps
    assert progress.percent == 0
    assert len(progress.remaining_of(StepKind.LESSON)) == 4
    assert [step.title for step in progress.remaining if step.kind != StepKind.LESSON] == [
        "Module 1 topic quiz", "Module 2 topic quiz", "Book your lab", "Practical skills"]
    complete_lessons(trainee, course)
    pass_quizzes(trainee, course)
    progress = course_progress(course, trainee.id)
    assert progress.percent == round(100 * 6 / 8)
    assert progress.status() == "awaiting_signoff"
    sign_off(instructor, trainee, course)
    assert course_progress(course, trainee.id).percent == 100
