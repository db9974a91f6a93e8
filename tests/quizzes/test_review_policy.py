"""What the result page reveals depends on the quiz's review policy; prompts are sanitized."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizzes.models import Attempt, Question
from quizzes.questions import add_question
from quizzes.spec import ChoiceSpec, QuestionSpec, QuestionType

from .conftest import enrol, full_marks_form


def take(client, db, quiz, *, correct: bool) -> int:
    location = client.post(f"/quizzes/{quiz.id}/start").headers["Location"]
    attempt_id = int(location.rsplit("/", 1)[1])
    attempt = db.session.get(Attempt, attempt_id)
    form = full_marks_form(db, attempt) if correct else {}
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={**form, "submit": "1"})
    return attempt_id


@pytest.mark.parametrize(
    ("policy", "after_fail", "after_pass"),
    [("after_attempt", True, True), ("once_passed", False, True), ("never", False, False)],
)
def test_review_policy(client, db, make_user, login, quiz_course, policy, after_fail, after_pass):
    setup = quiz_course(review_policy=policy)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    failed = take(client, db, setup.quiz, correct=False)
    page = client.get(f"/quizzes/attempts/{failed}/result").get_data(as_text=True)
    assert ("Correct answer</" in page) is after_fail
    passed = take(client, db, setup.quiz, correct=True)
    page = client.get(f"/quizzes/attempts/{passed}/result").get_data(as_text=True)
    assert ("Correct answer</" in page) is after_pass
    assert "100%" in page


def test_question_prompt_is_sanitized(client, db, make_user, login, quiz_course):
    setup = quiz_course(draw_count=None)
    add_question(setup.module1.id, QuestionSpec(
        qtype=QuestionType.TRUE_FALSE, title="XSS",
        prompt='<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3)) Safe?',
        choices=[ChoiceSpec(1, "True", 1.0), ChoiceSpec(2, "False", 0.0)],
    ))
    db.session.commit()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    location = client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Safe?" in page
    assert "<script>alert" not in page and "onerror" not in page
    assert 'href="javascript' not in page
    question = db.session.scalar(select(Question).where(Question.title == "XSS"))
    assert "<script" not in question.prompt_html
