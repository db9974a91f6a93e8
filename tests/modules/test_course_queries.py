"""The course and lesson pages run a fixed number of SQL statements, however big the data."""

from __future__ import annotations

from modules.models import Enrolment
from tests.factories import (
    add_attempt,
    build_course,
    enrol,
    lessons_in,
    lessons_of,
    make_course,
    quizzes_of,
    record_completions,
)
from training.extensions import db

SMALL = {"lessons_per_module": (5, 5), "other_trainees": 0}  # 10 lessons
LARGE = {"lessons_per_module": (20,) * 10, "other_trainees": 25}  # 200 lessons
#: user with roles and the content version in one statement (course, modules, lessons, quizzes
#: from the worker's content cache), then the trainee's lesson facts with the enrolment in one
#: statement, and one read per other step provider with facts (these courses have no quizzes and
#: no practical); an instructor's preview reads the enrolment instead of the lesson facts; the
#: catalogue, the most, reads the courses as well
MOST_STATEMENTS = 3
#: a lesson needs only the module steps: user and version, lesson facts with the enrolment
#: (and the quiz summary when the course has module quizzes; these courses have none)
LESSON_STATEMENTS = 2


def arrange(make_user, lessons_per_module, other_trainees):
    """An enrolled trainee who finished every module but the last, among other trainees."""
    course = build_course(lessons_per_module)
    lessons = lessons_in(course.id)
    last_module_id = lessons[-1].module_id
    done = [lesson for lesson in lessons if lesson.module_id != last_module_id]
    trainee = make_user("trainee")
    for user in [trainee] + [make_user("trainee") for _ in range(other_trainees)]:
        db.session.add(Enrolment(user_id=user.id, course_id=course.id))
        record_completions(user.id, done)
    reading = lessons[-1]  # in the last module, unlocked by the completions
    return course, trainee, reading


def statements_for(client, count_queries, url: str) -> int:
    client.get(url)  # warm up: first-request work is not what is measured
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def measure(client, login, make_user, count_queries, scenario) -> dict[str, int]:
    """Statements per page, for the trainee and for an instructor (who sees everything)."""
    course, trainee, reading = arrange(make_user, **scenario)
    pages = {
        "catalogue": "/courses/",
        "course": f"/courses/{course.slug}",
        "lesson": f"/courses/{course.slug}/lessons/{reading.id}",
    }
    counts = {}
    for role, user in (("trainee", trainee), ("instructor", make_user("instructor"))):
        login(user)
        for name, url in pages.items():
            counts[f"{role} {name}"] = statements_for(client, count_queries, url)
    return counts


def test_page_statement_counts_do_not_grow_with_lessons_trainees_or_completions(
    client, login, make_user, count_queries
):
    small = measure(client, login, make_user, count_queries, SMALL)
    large = measure(client, login, make_user, count_queries, LARGE)
    assert small == large
    assert max(small.values()) <= MOST_STATEMENTS, sorted(small.items())
    assert small["trainee lesson"] <= LESSON_STATEMENTS, small


def test_retaking_a_quiz_many_times_adds_no_statement_to_the_course_or_lesson_page(
    client, login, make_user, count_queries
):
    """A course with module quizzes and the practical, as trainees meet it: the quiz summary is
    one row per quiz, whether the trainee made one attempt or forty."""
    course = make_course(modules=2, lessons=2)
    trainee = make_user("trainee")
    enrol(trainee, course, first_module_read=True)
    quiz, lesson = quizzes_of(course)[0], lessons_of(course)[0]
    login(trainee)
    urls = {"course": f"/courses/{course.slug}", "lesson": f"/courses/{course.slug}/lessons/{lesson.id}"}
    add_attempt(trainee, quiz, passed=False, announce=False)
    once = {name: statements_for(client, count_queries, url) for name, url in urls.items()}
    for _ in range(40):
        add_attempt(trainee, quiz, passed=False, announce=False)
    assert {name: statements_for(client, count_queries, url) for name, url in urls.items()} == once
    # user, version, lesson facts with the enrolment, the quiz summary; the course page also
    # reads the practical's attendance (seats and hours in one statement) and rubric assessments
    assert once["lesson"] <= 4 and once["course"] <= 6, once
