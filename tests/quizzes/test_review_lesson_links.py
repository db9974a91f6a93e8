"""Each reviewed question links the lessons that teach the objectives it examines, and its module
when no lesson names them; on the trainee's result, the instructor's review and a final exam."""

from __future__ import annotations

import re

from sqlalchemy import select

from modules.models import Enrolment, Lesson
from modules.services import save_revision
from quizzes.models import Attempt, Question

from .conftest import enrol
from .test_final_exam import complete_modules, exam_course  # noqa: F401 (fixture)
from .test_result_review import take_with_wrong_single

#: the first words of each question's prompt in the quiz course
SINGLE, NUMERIC, SHORT = "Which needle", "How many", "Name the"


def question_sections(html: str) -> dict[str, str]:
    """Each reviewed question's card, keyed by the first two words of its prompt."""
    sections = re.findall(r'<section class="card mb-3 review-question".*?</section>', html, re.S)
    keyed = {}
    for section in sections:
        prompt = re.sub(r"<[^>]+>", "", re.search(r'<div class="lesson-body">(.*?)</div>', section, re.S).group(1))
        keyed[" ".join(prompt.split()[:2])] = section
    return keyed


def map_objectives(db, setup) -> Lesson:
    """Module 1 gets two objectives: lesson one teaches o1, a new lesson "Needle choice" o2;
    the single-choice question examines o1, the numeric one o2 and o1, the others none."""
    setup.module1.objectives = ["Choose the needle", "Count the hours"]
    setup.lesson1.objectives = ["o1"]
    second = Lesson(position=2, slug="l1b", title="Needle choice", minutes=5, objectives=["o2"])
    setup.module1.lessons.append(second)
    db.session.flush()
    save_revision(second, "Needle choice", "Body")
    db.session.scalar(select(Question).where(Question.title == "Single")).objectives = ["o1"]
    db.session.scalar(select(Question).where(Question.title == "Numeric")).objectives = ["o2", "o1"]
    db.session.commit()
    return second


def lesson_href(setup, lesson) -> str:
    return f'href="/courses/{setup.course.slug}/lessons/{lesson.id}">{lesson.title}</a>'


def test_result_links_each_question_to_the_lessons_teaching_its_objectives(client, db, make_user, login,
                                                                             quiz_course):
    setup = quiz_course(attempts_allowed=3)
    second = map_objectives(db, setup)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = take_with_wrong_single(client, db, setup.quiz)
    sections = question_sections(client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True))

    single = sections[SINGLE]
    assert "Taught in" in single and lesson_href(setup, setup.lesson1) in single
    assert lesson_href(setup, second) not in single
    numeric = sections[NUMERIC]  # two objectives: both lessons, in course order
    assert re.search(re.escape(lesson_href(setup, setup.lesson1)) + r"\s*and\s*<a "
                     + re.escape(lesson_href(setup, second)), numeric)
    short = sections[SHORT]  # no objective: the module
    assert "Taught in" not in short
    assert f'href="/courses/{setup.course.slug}/lessons/{setup.lesson1.id}">Revise module 1: Module one</a>' in short


def test_unpublished_lessons_are_not_linked(client, db, make_user, login, quiz_course):
    setup = quiz_course(attempts_allowed=3)
    second = map_objectives(db, setup)
    second.published = False
    db.session.commit()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = take_with_wrong_single(client, db, setup.quiz)
    numeric = question_sections(client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True))[NUMERIC]
    assert lesson_href(setup, setup.lesson1) in numeric and "Needle choice" not in numeric


def test_instructor_review_links_the_same_lessons(client, db, make_user, login, quiz_course):
    setup = quiz_course(review_policy="never")
    second = map_objectives(db, setup)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = take_with_wrong_single(client, db, setup.quiz)
    client.post("/logout")
    login(make_user("instructor"))
    sections = question_sections(client.get(f"/author/quizzes/attempts/{attempt_id}").get_data(as_text=True))
    assert lesson_href(setup, setup.lesson1) in sections[SINGLE]
    assert lesson_href(setup, second) in sections[NUMERIC]
    assert (f'href="/author/modules/{setup.module1.id}">module 1: Module one</a> (no lesson names its objectives)'
            in sections[SHORT])
    assert client.get(f"/courses/{setup.course.slug}/lessons/{second.id}").status_code == 200


def test_final_exam_result_links_lessons_of_each_module(client, db, make_user, login, exam_course):  # noqa: F811
    course, exam = exam_course
    anatomy, safety = course.modules
    anatomy.lessons[0].objectives = ["o1"]  # the safety module's lesson names no objective
    trainee = make_user("trainee")
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    db.session.commit()
    complete_modules(db, trainee, course)
    login(trainee)
    attempt_id = int(client.post(f"/quizzes/{exam.id}/start").headers["Location"].rsplit("/", 1)[1])
    attempt = db.session.get(Attempt, attempt_id)
    form = {f"q{e['question_id']}": ["2"] for e in attempt.layout}  # "False": both wrong
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={**form, "submit": "1"})
    response = client.get(f"/quizzes/attempts/{attempt_id}/result")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/courses/fin/lessons/{anatomy.lessons[0].id}">Anatomy lesson</a>' in html
    assert f'href="/courses/fin/lessons/{safety.lessons[0].id}">Revise module 2: Safety</a>' in html
