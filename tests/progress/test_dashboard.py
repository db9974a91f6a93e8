"""The trainee dashboard: every enrolled course, its progress, what is left, where to go next."""

from __future__ import annotations

import re

from tests.factories import (
    complete_lessons,
    enrol,
    finish_online,
    lessons_of,
    make_course,
    quizzes_of,
    sign_off,
)


def dashboard(client, login, user) -> str:
    login(user, on=client)
    response = client.get("/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def bar(page: str, title: str) -> int:
    match = re.search(rf'aria-label="Progress in {re.escape(title)}" aria-valuenow="(\d+)"', page)
    return int(match.group(1))


def test_a_new_enrolment_shows_everything_left(client, login, trainee, course):
    page = dashboard(client, login, trainee)
    assert course.title in page and bar(page, course.title) == 0
    assert "4 lessons to read" in page
    first = lessons_of(course)[0]
    assert f'href="/courses/{course.slug}/lessons/{first.id}"' in page
    for quiz in quizzes_of(course):
        assert quiz.title in page
    assert f'href="/practical/courses/{course.id}/sessions">Book your lab</a>' in page
    assert "0 of 27 in-person hours attended" in page
    assert "waiting for an instructor" not in page  # the trainee has the online part to do first


def test_continue_leads_to_the_next_lesson_then_the_quiz(client, login, trainee, course):
    module_one = lessons_of(course)[:2]
    complete_lessons(trainee, course, module_one)
    page = dashboard(client, login, trainee)
    quiz = quizzes_of(course)[0]
    # module 2 is locked until the module 1 quiz is passed, so the quiz is next
    assert re.search(rf'class="btn btn-primary" href="/quizzes/{quiz.id}">Continue', page)
    assert "2 lessons to read" in page
    # 4 lessons, 2 quizzes, the lab hours and the rubric
    assert bar(page, course.title) == round(100 * 2 / 8)


def test_waiting_for_signoff_then_complete(client, login, trainee, instructor, course):
    finish_online(trainee, course)
    page = dashboard(client, login, trainee)
    assert "Waiting for the practical" in page and "Book your lab" in page
    assert "lessons to read" not in page
    sign_off(instructor, trainee, course, outcome="not_yet", notes="Revisit needle depth")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "0 of 3 skills competent" in page and "Book your lab" not in page
    assert "waiting for an instructor" in page  # the online part is done: the rest is the assessor's
    sign_off(instructor, trainee, course)
    page = client.get("/dashboard").get_data(as_text=True)
    assert bar(page, course.title) == 100
    assert "View certificate" in page and 'href="/certificates"' in page
    assert "27 of 27 in-person hours attended." in page and "3 of 3 skills competent." in page


def test_only_the_trainees_own_courses_are_listed(client, login, make_user, trainee, course):
    other = make_course(title="Dry Needling Level 2: Lower Quarter")
    page = dashboard(client, login, trainee)
    assert course.title in page and other.title not in page
    newcomer = make_user("trainee")
    page = dashboard(client, login, newcomer)
    assert "not enrolled in any course" in page
    enrol(newcomer, other)
    assert other.title in client.get("/dashboard").get_data(as_text=True)


def test_the_dashboard_costs_the_same_for_one_course_or_three(client, login, make_user,
                                                              count_queries):
    trainee = make_user("trainee")
    enrol(trainee, make_course())
    login(trainee, on=client)
    client.get("/dashboard")
    with count_queries() as one:
        client.get("/dashboard")
    for _ in range(2):
        enrol(trainee, make_course())
    with count_queries() as three:
        client.get("/dashboard")
    per_course = (len(three) - len(one)) / 2
    assert per_course <= 6  # completions, quizzes, attempts: per course, not per lesson
