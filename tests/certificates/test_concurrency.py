"""Exactly one certificate when two real requests complete a course at the same moment.

Each request runs in its own thread, app context, database session and connection (as under
a threaded server); a barrier releases them together. Run on PostgreSQL with
TEST_DATABASE_URL, where the row lock and the unique index do the work; on SQLite the
database's single writer serialises them.
"""

from __future__ import annotations

import threading

import pytest

from tests.factories import (
    add_attempt,
    attend_and_assess,
    certificates_of,
    complete_lessons,
    enrol,
    ensure_rubric,
    lessons_of,
    make_course,
    pass_quizzes,
    quizzes_of,
    sign_off,
)
from training.extensions import db
from training.practical.models import Assessment

ROUNDS = 4

pytestmark = pytest.mark.postgres


def race(app, login, posts) -> list[int]:
    """POST every (user, url, data) at once from its own thread; the status codes."""
    clients = []
    for user, url, data in posts:
        clients.append((login(user, on=app.test_client()), url, data))
    db.session.commit()  # the test's own session holds no transaction while the requests run
    barrier = threading.Barrier(len(clients))
    codes: list[int | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def run(i: int, client, url: str, data: dict) -> None:
        try:
            barrier.wait(timeout=10)
            codes[i] = client.post(url, data=data).status_code
        except BaseException as err:  # reported in the main thread
            errors.append(err)

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return codes


def practical_but_one_skill(instructors, trainee, course):
    """Lab hours attended and every skill competent but the last; (assess URL, its form data)."""
    skills = ensure_rubric(course)
    workshop = attend_and_assess(instructors[0], trainee, course, skills=[s.title for s in skills[:-1]])
    workshop.instructors = list(instructors)
    db.session.commit()
    last = skills[-1]
    url = f"/practical/workshops/{workshop.id}/trainees/{trainee.id}/assess?skill={last.id}"
    return url, {"met": [c["key"] for c in last.criteria], "outcome": "competent"}


def lesson_url(course, lesson) -> str:
    return f"/courses/{course.slug}/lessons/{lesson.id}/complete"


@pytest.fixture
def setup(app, make_user):
    course = make_course()
    instructors = [make_user("instructor"), make_user("instructor")]

    def new_trainee():
        trainee = make_user("trainee")
        enrol(trainee, course)
        return trainee

    return course, instructors, new_trainee


def test_two_instructors_assess_the_last_skill_at_once(app, login, setup):
    course, (first, second), new_trainee = setup
    for _ in range(ROUNDS):
        trainee = new_trainee()
        complete_lessons(trainee, course)
        pass_quizzes(trainee, course)
        url, data = practical_but_one_skill([first, second], trainee, course)
        codes = race(app, login, [(first, url, data), (second, url, data)])
        assert codes == [302, 302]
        assert db.session.query(Assessment).filter_by(trainee_id=trainee.id, outcome="competent").count() == len(
            ensure_rubric(course)) + 1
        assert len(certificates_of(trainee)) == 1


def test_last_lesson_and_last_skill_at_once(app, login, setup):
    """Each request alone sees the other's work missing; one of them must still issue."""
    course, (instructor, _), new_trainee = setup
    for _ in range(ROUNDS):
        trainee = new_trainee()
        last = lessons_of(course)[-1]
        complete_lessons(trainee, course, lessons_of(course)[:-1])
        pass_quizzes(trainee, course)
        url, data = practical_but_one_skill([instructor], trainee, course)
        codes = race(app, login, [(trainee, lesson_url(course, last), {}), (instructor, url, data)])
        assert codes == [302, 302]
        [certificate] = certificates_of(trainee)
        assert certificate.is_current


def test_two_last_lessons_at_once(app, login, setup):
    course, (instructor, _), new_trainee = setup
    for _ in range(ROUNDS):
        trainee = new_trainee()
        *done, a, b = lessons_of(course)
        complete_lessons(trainee, course, done)
        pass_quizzes(trainee, course, quizzes_of(course)[:-1])
        add_attempt(trainee, quizzes_of(course)[-1], passed=True)
        sign_off(instructor, trainee, course)
        codes = race(app, login, [(trainee, lesson_url(course, a), {}),
                                  (trainee, lesson_url(course, b), {})])
        assert codes == [302, 302]
        assert len(certificates_of(trainee)) == 1
