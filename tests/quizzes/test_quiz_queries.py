"""Every quiz step runs a fixed number of SQL statements, whatever the number of questions."""

from __future__ import annotations

from modules.models import Lesson
from modules.services import save_revision
from quizzes.questions import add_question
from quizzes.spec import ChoiceSpec, QuestionSpec, QuestionType
from training.extensions import db

from .conftest import CORRECT_TEXT, enrol, full_marks_form

EXTRA = 30
#: statements per step, whatever the number of questions. The quiz settings, the question pool
#: and the course tree come from the worker's content cache (its version is read with the user);
#: an attempt's rows are read with its responses only, and a save or submission reads the
#: attempt in the statement that locks its row. Submit includes grading, the audit entry and
#: the certificate check a pass triggers; the result adds the grade by the quiz's method and,
#: once passed, the engine's next step (a quiz's lock is decided by the module steps alone)
STEP_BUDGET = {"quiz, content cache cold": 13, "quiz before": 6, "start": 8, "submit unanswered": 8,
               "result not passed": 4, "start again": 7, "attempt": 3, "save": 4, "summary": 3, "submit": 17,
               "result": 6, "quiz": 6}


def add_questions(module, count: int) -> None:
    """``count`` questions, each examining its own objective taught by its own lesson (the result
    links each question to its lesson)."""
    module.objectives = [f"Objective {index}" for index in range(count)]
    for index in range(count):
        CORRECT_TEXT.setdefault(f"Extra {index}", ["Yes"])  # both trainees pass: the same path
        lesson = Lesson(position=len(module.lessons) + 1, slug=f"extra-{index}", title=f"Extra lesson {index}",
                        minutes=5, objectives=[f"o{index + 1}"])
        module.lessons.append(lesson)
        db.session.flush()
        save_revision(lesson, lesson.title, "Body")
        add_question(module.id, QuestionSpec(
            qtype=QuestionType.SINGLE, title=f"Extra {index}", prompt=f"Extra question {index}?",
            choices=[ChoiceSpec(1, "Yes", 1.0), ChoiceSpec(2, "No", 0.0)], objectives=[f"o{index + 1}"],
        ))


def page_statements(client, db, count_queries, setup, trainee) -> dict[str, int]:
    """Statements of every step: the quiz page; an attempt submitted from its own button without
    answers and its result (the quiz not passed); then a second attempt: start, attempt page,
    autosave, summary, submit with the answers, result (passed: the engine's next step), and
    the quiz page again."""
    counts = {}
    # the first request after a content change builds the worker's content cache; every later
    # one reads it (what a server does nearly always), and that is what the budget holds
    with count_queries() as statements:
        assert client.get(f"/quizzes/{setup.quiz.id}").status_code == 200
    counts["quiz, content cache cold"] = len(statements)
    with count_queries() as statements:
        assert client.get(f"/quizzes/{setup.quiz.id}").status_code == 200
    counts["quiz before"] = len(statements)
    with count_queries() as statements:
        location = client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"]
    counts["start"] = len(statements)
    with count_queries() as statements:
        submitted = client.post(f"{location}/submit")
    assert submitted.status_code == 303
    counts["submit unanswered"] = len(statements)
    with count_queries() as statements:
        page = client.get(submitted.headers["Location"])
    assert page.status_code == 200 and "not passed" in page.get_data(as_text=True)
    counts["result not passed"] = len(statements)
    with count_queries() as statements:
        location = client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"]
    counts["start again"] = len(statements)
    attempt_id = int(location.rsplit("/", 1)[1])
    from quizzes.models import Attempt

    form = full_marks_form(db, db.session.get(Attempt, attempt_id))
    with count_queries() as statements:
        assert client.get(location).status_code == 200
    counts["attempt"] = len(statements)
    with count_queries() as statements:
        client.post(f"/quizzes/attempts/{attempt_id}/save", data=form, headers={"Accept": "application/json"})
    counts["save"] = len(statements)
    with count_queries() as statements:
        assert client.get(f"/quizzes/attempts/{attempt_id}/summary").status_code == 200
    counts["summary"] = len(statements)
    with count_queries() as statements:
        submitted = client.post(f"/quizzes/attempts/{attempt_id}/save", data={**form, "submit": "1"})
    assert submitted.status_code == 303
    counts["submit"] = len(statements)
    with count_queries() as statements:
        assert client.get(f"/quizzes/attempts/{attempt_id}/result").status_code == 200
    counts["result"] = len(statements)
    with count_queries() as statements:
        assert client.get(f"/quizzes/{setup.quiz.id}").status_code == 200
    counts["quiz"] = len(statements)
    return counts


def test_statement_counts_do_not_grow_with_questions(app, db, make_user, login, quiz_course, count_queries):
    small = quiz_course(slug="small-quiz", draw_count=None)
    large = quiz_course(slug="large-quiz", draw_count=None)
    add_questions(large.module1, EXTRA)
    db.session.commit()
    results = []
    for setup in (small, large):
        client = app.test_client()
        trainee = make_user("trainee")
        enrol(db, trainee, setup.course)
        login(trainee, on=client)
        results.append(page_statements(client, db, count_queries, setup, trainee))
    assert results[0] == results[1], results
    assert results[0].keys() == STEP_BUDGET.keys()
    assert all(results[0][step] <= most for step, most in STEP_BUDGET.items()), str(results[0])


def test_instructor_review_statements_do_not_grow_with_questions(app, db, make_user, login, quiz_course,
                                                                 count_queries):
    small = quiz_course(slug="small-review", draw_count=None)
    large = quiz_course(slug="large-review", draw_count=None)
    add_questions(large.module1, EXTRA)
    db.session.commit()
    instructor = make_user("instructor")
    counts = []
    for setup in (small, large):
        client = app.test_client()
        trainee = make_user("trainee")
        enrol(db, trainee, setup.course)
        login(trainee, on=client)
        attempt_id = int(client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"].rsplit("/", 1)[1])
        client.post(f"/quizzes/attempts/{attempt_id}/save", data={"submit": "1"})
        client.post("/logout")
        login(instructor, on=client)
        with count_queries() as statements:
            page = client.get(f"/author/quizzes/attempts/{attempt_id}")
        assert page.status_code == 200
        counts.append(len(statements))
    assert "Extra lesson 7</a>" in page.get_data(as_text=True)
    assert counts[0] == counts[1], counts
