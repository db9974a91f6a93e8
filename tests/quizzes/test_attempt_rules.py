"""Rules of attempts: time limits on a controlled clock, limits under concurrency, grading."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from quizzes import attempts as attempt_rules
from quizzes.attempts import QuizError, save_answers, start_attempt, submit_attempt
from quizzes.models import Attempt, Question
from quizzes.results import quiz_results

from .conftest import enrol, full_marks_form

T0 = datetime(2026, 5, 4, 9, 0, 0)


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand."""
    now = {"value": T0}
    monkeypatch.setattr(attempt_rules, "current_time", lambda: now["value"])
    return now


def test_deadline_is_enforced_on_the_server(app, client, db, make_user, login, quiz_course, clock):
    setup = quiz_course(time_limit_minutes=10)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = int(client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"].rsplit("/", 1)[1])
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    grace = app.config["QUIZ_GRACE_SECONDS"]

    clock["value"] = T0 + timedelta(minutes=10, seconds=grace)  # last accepted instant
    assert client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{numeric.id}": "10"}).status_code == 303

    clock["value"] = T0 + timedelta(minutes=10, seconds=grace + 1)
    late = client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{numeric.id}": "11"},
                       headers={"Accept": "application/json"})
    assert late.status_code == 409
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.submitted_at is not None and attempt.submitted_by == "deadline"
    saved = {r.question_id: r.answer for r in attempt.responses}
    assert saved[numeric.id] == {"value": 10.0}  # what was saved before the deadline counts
    assert attempt.score == 1.0


def test_expired_attempt_is_shown_closed_and_closed_by_the_next_start(client, db, make_user, login, quiz_course,
                                                                      clock):
    setup = quiz_course(time_limit_minutes=5)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    client.post(f"/quizzes/{setup.quiz.id}/start")
    clock["value"] = T0 + timedelta(hours=1)
    page = client.get(f"/quizzes/{setup.quiz.id}")
    assert page.status_code == 200 and "closed: time ran out" in page.get_data(as_text=True)
    attempt = db.session.scalar(select(Attempt))
    db.session.refresh(attempt)
    assert attempt.submitted_at is None  # a page read never submits
    client.post(f"/quizzes/{setup.quiz.id}/start")
    db.session.refresh(attempt)
    assert attempt.submitted_by == "deadline" and attempt.percent == 0.0


def test_attempts_limit(db, make_user, quiz_course, app):
    setup = quiz_course(attempts_allowed=2)
    trainee = make_user("trainee")
    with app.test_request_context():
        for _ in range(2):
            attempt = start_attempt(setup.quiz, trainee)
            submit_attempt(attempt)
            db.session.commit()
        with pytest.raises(QuizError, match="used all 2 attempts"):
            start_attempt(setup.quiz, trainee)


def test_start_resumes_the_open_attempt(db, make_user, quiz_course, app):
    setup = quiz_course()
    trainee = make_user("trainee")
    with app.test_request_context():
        first = start_attempt(setup.quiz, trainee)
        db.session.commit()
        assert start_attempt(setup.quiz, trainee).id == first.id


def test_attempts_limit_holds_under_concurrent_starts(app, database_url, db, make_user, quiz_course):
    """Eight simultaneous starts with one attempt allowed: exactly one attempt exists after."""
    setup = quiz_course(attempts_allowed=1)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    barrier = threading.Barrier(8)
    outcomes: list[int] = []
    identity, quiz_id = trainee.get_id(), setup.quiz.id

    def start_once() -> None:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = identity
        barrier.wait()
        outcomes.append(client.post(f"/quizzes/{quiz_id}/start").status_code)

    threads = [threading.Thread(target=start_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 8 and all(code in (302, 303) for code in outcomes)
    count = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.user_id == trainee.id))
    assert count == 1


def test_draw_count_and_layout_are_fixed_at_start(db, make_user, quiz_course, app):
    setup = quiz_course(draw_count=4)
    trainee = make_user("trainee")
    with app.test_request_context():
        attempt = start_attempt(setup.quiz, trainee, rng=random.Random(7))
        db.session.commit()
    assert len(attempt.layout) == 4 == len(attempt.responses)
    # a later edit of the quiz settings does not change an attempt already started
    setup.quiz.draw_count = 2
    db.session.commit()
    db.session.refresh(attempt)
    assert len(attempt.layout) == 4


def test_grading_method_highest_or_last(db, make_user, quiz_course, app):
    for method, expected_pass in (("highest", True), ("last", False)):
        setup = quiz_course(slug=f"grading-{method}", grading_method=method)
        trainee = make_user("trainee")
        with app.test_request_context():
            good = start_attempt(setup.quiz, trainee)
            save_answers(good, full_marks_form(db, good))
            submit_attempt(good)
            db.session.commit()
            bad = start_attempt(setup.quiz, trainee)
            submit_attempt(bad)
            db.session.commit()
            result = quiz_results(trainee.id, [setup.quiz])[setup.quiz.id]
        assert result.passed is expected_pass
        assert result.best_percent == 100.0


def test_partial_credit_and_pass_mark(db, make_user, quiz_course, app):
    setup = quiz_course(pass_mark=50)
    trainee = make_user("trainee")
    with app.test_request_context():
        attempt = start_attempt(setup.quiz, trainee)
        form = full_marks_form(db, attempt)
        multiple = db.session.scalar(select(Question).where(Question.title == "Multiple"))
        entry = next(e for e in attempt.layout if e["question_id"] == multiple.id)
        texts = {c["id"]: c["text"] for c in multiple.data["choices"]}
        # one right choice (+50%) and the wrong one (-100%): floors at zero, never negative
        form[f"q{multiple.id}"] = [str(i) for i, cid in enumerate(entry["choice_order"], 1)
                                   if texts[cid] in ("Taut band", "Fever")]
        save_answers(attempt, form)
        submit_attempt(attempt)
        db.session.commit()
    by_question = {r.question_id: r for r in attempt.responses}
    assert by_question[multiple.id].fraction == 0.0
    assert attempt.score == 5.0 and attempt.max_score == 6.0
    assert attempt.passed


def test_a_save_that_raced_a_submission_writes_nothing(app, client, db, make_user, login, quiz_course):
    """A save that loaded the attempt before another request submitted it must not write."""
    from quizzes.attempts import load_attempt

    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = int(client.post(f"/quizzes/{setup.quiz.id}/start").headers["Location"].rsplit("/", 1)[1])
    with app.test_request_context():
        stale = load_attempt(attempt_id)  # read before the submission, as a slow request would
        answers = full_marks_form(db, stale)
        assert client.post(f"/quizzes/attempts/{attempt_id}/submit").status_code == 303
        with pytest.raises(QuizError, match="already submitted"):
            save_answers(stale, answers)
        db.session.rollback()
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.percent == 0.0
    assert all(response.answer is None for response in attempt.responses)
