"""Results that teach: the trainee's answer beside the right one, each choice's feedback next to
that choice, where it is taught, attempts left and the next step; instructors see the same."""

from __future__ import annotations

import re

from sqlalchemy import select

from quizzes.models import Attempt, Question

from .conftest import enrol


def take_with_wrong_single(client, db, quiz) -> int:
    location = client.post(f"/quizzes/{quiz.id}/start").headers["Location"]
    attempt_id = int(location.rsplit("/", 1)[1])
    attempt = db.session.get(Attempt, attempt_id)
    single = db.session.scalar(select(Question).where(Question.title == "Single"))
    entry = next(e for e in attempt.layout if e["question_id"] == single.id)
    texts = {c["id"]: c["text"] for c in single.data["choices"]}
    hypodermic = next(i for i, cid in enumerate(entry["choice_order"], 1) if texts[cid] == "Hypodermic")
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    client.post(f"/quizzes/attempts/{attempt_id}/save",
                data={f"q{single.id}": str(hypodermic), f"q{numeric.id}": "12", "submit": "1"})
    return attempt_id


def option_block(html: str, text: str) -> str:
    """The <li> of one answer option on the review."""
    match = re.search(r'<li class="review-option[^"]*">((?:(?!</li>).)*?' + re.escape(text) + r".*?)</li>",
                      html, re.S)
    assert match, text
    return match.group(0)


def test_failed_attempt_review_teaches(client, db, make_user, login, quiz_course):
    setup = quiz_course(attempts_allowed=3)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = take_with_wrong_single(client, db, setup.quiz)
    html = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)

    assert "not passed; the pass mark is 80%" in html
    assert "You have 2 attempts left." in html
    assert "Revise module 1, then try again" in html  # the next step
    assert f'href="/courses/{setup.course.slug}/lessons/{setup.lesson1.id}">Lesson one</a>' in html

    chosen = option_block(html, "Hypodermic")
    assert "Your answer" in chosen and "That one is hollow." in chosen  # feedback beside its own choice
    assert "Correct answer" not in chosen and " wrong" in chosen
    right = option_block(html, "Filiform")
    assert "Correct answer" in right and "Your answer" not in right and "Right." in right
    assert "The correct answer is" not in html  # no repeated sentence
    assert re.search(r"<td>12 <span class=\"badge text-bg-danger\">wrong</span>.*?</td>\s*<td>10</td>", html, re.S)
    assert html.count("Not answered</span>") == 4


def test_passed_attempt_points_to_the_next_module(client, db, make_user, login, quiz_course):
    from .conftest import full_marks_form

    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    location = client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"]
    attempt_id = int(location.rsplit("/", 1)[1])
    form = full_marks_form(db, db.session.get(Attempt, attempt_id))
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={**form, "submit": "1"})
    html = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "You may try again as often as you like." in html
    assert f'id="continue" href="/courses/{setup.course.slug}/lessons/{setup.lesson2.id}">Continue: Lesson two' in html
    assert "then try again" not in html


def test_instructor_review_shows_the_same(client, db, make_user, login, quiz_course):
    setup = quiz_course(review_policy="never")
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = take_with_wrong_single(client, db, setup.quiz)
    trainee_view = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "This quiz does not show correct answers." in trainee_view
    assert "Your answer" in option_block(trainee_view, "Hypodermic")
    assert "That one is hollow." not in trainee_view and "Correct answer" not in trainee_view

    client.post("/logout")
    login(make_user("instructor"))
    html = client.get(f"/author/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    chosen = option_block(html, "Hypodermic")
    assert "Your answer" in chosen and "That one is hollow." in chosen
    assert "Correct answer" in option_block(html, "Filiform")
    assert "Question 1: " in html or "Question 2: " in html  # instructors also see the question titles
