"""The dashboard, the course page and the cohort grid show the same progress: one engine."""

from __future__ import annotations

import re

import pytest

from tests.factories import (
    add_attempt,
    complete_lessons,
    enrol,
    lessons_of,
    make_course,
    pass_quizzes,
    quizzes_of,
    sign_off,
)
from training.progress.engine import course_progress


def arrange(state: str, trainee, instructor, course) -> None:
    lessons, quizzes = lessons_of(course), quizzes_of(course)
    if state == "one_lesson":
        complete_lessons(trainee, course, lessons[:1])
    elif state == "module_1_lessons":
        complete_lessons(trainee, course, lessons[:2])
    elif state == "failed_quiz":
        complete_lessons(trainee, course, lessons[:2])
        add_attempt(trainee, quizzes[0], passed=False)
    elif state == "online_done_signoff_not_yet":
        complete_lessons(trainee, course)
        pass_quizzes(trainee, course)
        sign_off(instructor, trainee, course, outcome="not_yet")
    elif state == "complete":
        complete_lessons(trainee, course)
        pass_quizzes(trainee, course)
        sign_off(instructor, trainee, course)


def percent(page: str, label: str) -> int:
    return int(re.search(rf'aria-label="{re.escape(label)}" aria-valuenow="(\d+)"', page).group(1))


def left(page: str) -> str | None:
    match = re.search(r'data-what-is-left="([^"]*)"', page)
    return match.group(1) if match else None


@pytest.mark.parametrize("state", ["new", "one_lesson", "module_1_lessons", "failed_quiz",
                                   "online_done_signoff_not_yet", "complete"])
def test_three_pages_agree(client, app, login, make_user, instructor, state):
    course = make_course()
    trainee = make_user("trainee", name="Ada Quinn")
    enrol(trainee, course)
    arrange(state, trainee, instructor, course)
    expected = course_progress(course, trainee.id)

    login(trainee, on=client)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    course_page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    instructor_client = app.test_client()
    login(instructor, on=instructor_client)
    grid = instructor_client.get(f"/cohorts/{course.id}").get_data(as_text=True)

    shown = {
        percent(dashboard, f"Progress in {course.title}"),
        percent(course_page, "Course progress"),
        percent(grid, "Progress of Ada Quinn"),
    }
    assert shown == {expected.percent}
    keys = " ".join(step.key for step in expected.remaining)
    assert left(grid) == keys
    if state == "complete":  # a finished course lists nothing left on the trainee's pages
        assert left(dashboard) is None and left(course_page) is None and keys == ""
    else:
        assert left(dashboard) == left(course_page) == keys
