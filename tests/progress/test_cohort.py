"""The instructor's cohort view: trainees by module, status, filters, a fixed query count."""

from __future__ import annotations

import re

import pytest

from tests.factories import (
    add_attempt,
    complete_lessons,
    enrol,
    finish_online,
    lessons_of,
    make_course,
    pass_quizzes,
    quizzes_of,
    sign_off,
)
from training.progress.cohort import load_cohort, load_course
from training.progress.engine import course_progress


@pytest.fixture
def cohort_course(make_user, instructor):
    """Five trainees at five different places in a three-module course."""
    course = make_course(modules=3)
    people = {}
    for key, name in [("new", "Ana New"), ("m2", "Ben Second"), ("m3", "Cy Third"),
                      ("waiting", "Dee Waiting"), ("done", "Eve Done")]:
        people[key] = make_user("trainee", name=name)
        enrol(people[key], course)
    lessons, quizzes = lessons_of(course), quizzes_of(course)
    complete_lessons(people["m2"], course, lessons[:2])
    pass_quizzes(people["m2"], course, quizzes[:1])
    complete_lessons(people["m3"], course, lessons[:4])
    pass_quizzes(people["m3"], course, quizzes[:1])
    add_attempt(people["m3"], quizzes[1], passed=False)
    finish_online(people["waiting"], course)
    sign_off(instructor, people["waiting"], course, outcome="not_yet")
    finish_online(people["done"], course)
    sign_off(instructor, people["done"], course)
    return course, people


def names(page: str) -> list[str]:
    return re.findall(r"<td>([A-Z][a-z]+ [A-Z][a-z]+)<br>", page)


def cohort_page(client, login, instructor, course, **query) -> str:
    login(instructor, on=client)
    response = client.get(f"/cohorts/{course.id}", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_cohort_shows_each_trainee_by_module_and_status(client, login, instructor,
                                                            cohort_course):
    course, _people = cohort_course
    page = cohort_page(client, login, instructor, course)
    assert names(page) == ["Ana New", "Ben Second", "Cy Third", "Dee Waiting", "Eve Done"]
    assert '<strong id="waiting-count">1 waiting for the practical</strong>' in page
    assert "5 enrolled" in page and "1 complete" in page and "3 in progress" in page
    rows = cohort_course_rows(course)
    assert rows == {
        "Ana New": (1, 0, "in_progress"), "Ben Second": (2, 1, "in_progress"),
        "Cy Third": (2, 1, "in_progress"), "Dee Waiting": (None, 3, "awaiting_signoff"),
        "Eve Done": (None, 3, "complete"),
    }


def cohort_course_rows(course) -> dict:
    cohort = load_cohort(load_course(course.id))
    return {r.user.name: (r.module_reached, r.modules_done, r.status) for r in cohort.rows}


@pytest.mark.parametrize(("query", "expected"), [
    ({"status": "awaiting_signoff"}, ["Dee Waiting"]),
    ({"status": "complete"}, ["Eve Done"]),
    ({"status": "in_progress"}, ["Ana New", "Ben Second", "Cy Third"]),
    ({"module": "2"}, ["Ben Second", "Cy Third"]),
    ({"module": "1"}, ["Ana New"]),
    ({"module": "0"}, ["Dee Waiting", "Eve Done"]),
    ({"module": "2", "status": "complete"}, []),
    ({"status": "bogus", "module": "99"}, ["Ana New", "Ben Second", "Cy Third", "Dee Waiting",
                                           "Eve Done"]),
    ({"module": "\u00b2"}, ["Ana New", "Ben Second", "Cy Third", "Dee Waiting", "Eve Done"]),
])
def test_filters(client, login, instructor, cohort_course, query, expected):
    course, _people = cohort_course
    assert names(cohort_page(client, login, instructor, course, **query)) == expected


def test_the_cohort_agrees_with_the_single_trainee_rules(cohort_course):
    course, people = cohort_course
    cohort = load_cohort(load_course(course.id))
    for row in cohort.rows:
        single = course_progress(course, row.user.id)
        assert (row.status, row.percent) == (single.status(row.enrolment.completed_at),
                                             single.percent), row.user.name


def test_the_course_list_counts_enrolled_and_complete(client, login, instructor, cohort_course):
    course, _people = cohort_course
    login(instructor, on=client)
    page = client.get("/cohorts").get_data(as_text=True)
    assert f'href="/cohorts/{course.id}"' in page
    assert re.search(r'<td class="text-end">5</td>\s*<td class="text-end">1</td>', page)


def test_the_practical_of_each_trainee_is_shown(client, login, instructor, cohort_course):
    course, _people = cohort_course
    page = cohort_page(client, login, instructor, course)
    assert page.count("0 of 27 in-person hours attended") == 3
    assert page.count("27 of 27 in-person hours attended") == 2
    assert "0 of 3 skills competent" in page and "3 of 3 skills competent" in page


def add_trainees(course, make_user, instructor, n: int) -> None:
    """Trainees with lessons, attempts and sign-offs: everything the page loads."""
    lessons, quizzes = lessons_of(course), quizzes_of(course)
    for i in range(n):
        trainee = make_user("trainee")
        enrol(trainee, course)
        complete_lessons(trainee, course, lessons[: 1 + i % len(lessons)])
        add_attempt(trainee, quizzes[0], passed=bool(i % 2))
        if i % 3 == 0:
            sign_off(instructor, trainee, course, outcome="not_yet")


def test_the_page_costs_the_same_for_3_or_30_trainees(client, login, make_user, instructor,
                                                      count_queries):
    small, large = make_course(modules=3), make_course(modules=3)
    add_trainees(small, make_user, instructor, 3)
    add_trainees(large, make_user, instructor, 30)
    login(instructor, on=client)
    urls = [f"/cohorts/{course.id}" for course in (small, large)]
    counts = []
    for url in urls:
        client.get(url)  # warm up: the worker's content cache is built by a first request
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 11  # the course's content (modules, quizzes, rubric) from the content cache


def test_the_grid_shows_time_on_task(client, login, make_user, instructor):
    from datetime import datetime, timedelta

    from modules.seat_time import record_heartbeat

    course = make_course(modules=1, lessons=2)
    trainee = make_user("trainee", name="Gil Timed")
    enrol(trainee, course)
    first = lessons_of(course)[0]
    start = datetime(2026, 3, 2, 9, 0)
    record_heartbeat(trainee.id, first, 0, now=start)
    for minute in range(1, 13):  # 12 minutes of reading
        record_heartbeat(trainee.id, first, 60, now=start + timedelta(minutes=minute))
    attempt = add_attempt(trainee, quizzes_of(course)[0], passed=False)  # 20 minutes long
    assert (attempt.submitted_at - attempt.started_at).total_seconds() == 20 * 60
    page = cohort_page(client, login, instructor, course)
    assert '<span data-lesson-seconds="720">12 min</span> reading' in page
    assert "20 min in quizzes" in page
