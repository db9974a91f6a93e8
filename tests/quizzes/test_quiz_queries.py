"""Quiz pages run a fixed number of SQL statements, whatever the number of questions."""

from __future__ import annotations

from quizzes.questions import add_question
from quizzes.spec import ChoiceSpec, QuestionSpec, QuestionType

from .conftest import enrol, full_marks_form


def add_questions(module_id: int, count: int) -> None:
    for index in range(count):
        add_question(module_id, QuestionSpec(
            qtype=QuestionType.SINGLE, title=f"Extra {index}", prompt=f"Extra question {index}?",
            choices=[ChoiceSpec(1, "Yes", 1.0), ChoiceSpec(2, "No", 0.0)],
        ))


def page_statements(client, db, count_queries, setup, trainee) -> dict[str, int]:
    location = client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"]
    attempt_id = int(location.rsplit("/", 1)[1])
    from quizzes.models import Attempt

    form = full_marks_form(db, db.session.get(Attempt, attempt_id))
    counts = {}
    with count_queries() as statements:
        assert client.get(location).status_code == 200
    counts["attempt"] = len(statements)
    with count_queries() as statements:
        client.post(f"/quizzes/attempts/{attempt_id}/save", data=form, headers={"Accept": "application/json"})
    counts["save"] = len(statements)
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={"submit": "1"})
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
    add_questions(large.module1.id, 30)
    db.session.commit()
    results = []
    for setup in (small, large):
        client = app.test_client()
        trainee = make_user("trainee")
        enrol(db, trainee, setup.course)
        login(trainee, on=client)
        results.append(page_statements(client, db, count_queries, setup, trainee))
    assert results[0] == results[1], results
    assert all(count <= 20 for count in results[0].values()), results[0]
