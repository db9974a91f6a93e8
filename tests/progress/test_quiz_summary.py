"""A quiz result decided in the database equals the rule read off the attempts one by one.

The summary statement (``quizzes.results``) ranks and sums in SQL so that retaking a quiz
many times costs a page nothing; this checks it against the plain rule on many random
histories (ties, open attempts, deadlines before and after submission, microseconds at the
boundary of a second), for both grading methods, on whichever database the suite runs.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from quizzes.models import Attempt, Quiz
from quizzes.options import GradingMethod
from quizzes.results import attempt_seconds, attempt_summaries, quiz_results, result_of
from tests.factories import make_course, quizzes_of
from training.extensions import db

START = datetime(2026, 3, 1, 8, 0, 0)


def reference(quiz: Quiz, attempts: list[Attempt]) -> tuple:
    """The rule as people state it: by number, the graded attempt among the submitted ones."""
    attempts = sorted(attempts, key=lambda a: a.number)
    submitted = [a for a in attempts if a.submitted_at is not None and a.percent is not None]
    open_attempt = next((a.id for a in attempts if a.submitted_at is None), None)
    seconds = sum(attempt_seconds(a) for a in attempts)
    if not submitted:
        return (len(attempts), None, None, False, open_attempt, seconds)
    best = max(submitted, key=lambda a: a.percent)
    graded = best if quiz.grading_method == GradingMethod.HIGHEST else submitted[-1]
    return (len(attempts), best.percent, graded.percent, bool(graded.passed), open_attempt, seconds)


def figures(result) -> tuple:
    return (result.attempts_used, result.best_percent, result.grade_percent, result.passed,
            result.open_attempt_id, result.seconds)


def random_attempts(rng: random.Random, quiz: Quiz, user_id: int) -> list[Attempt]:
    attempts = []
    count = rng.choice([0, 1, 2, 5, 12])
    for number in range(1, count + 1):
        started = START + timedelta(days=number, microseconds=rng.randrange(1_000_000))
        length = timedelta(seconds=rng.choice([0, 1, 59, 600, 3599]), microseconds=rng.randrange(1_000_000))
        submitted = started + length
        deadline = rng.choice([None, started + timedelta(seconds=300, microseconds=rng.randrange(1_000_000)),
                               started - timedelta(seconds=5)])
        is_open = number == count and rng.random() < 0.3
        percent = rng.choice([40.0, 80.0, 80.0, 100.0, 66.66666666666667, None])
        attempts.append(Attempt(
            quiz_id=quiz.id, user_id=user_id, number=number, started_at=started, deadline=deadline,
            submitted_at=None if is_open else submitted,
            percent=None if is_open else percent,
            # a pass recorded under an earlier pass mark: equal percents need not share a verdict
            passed=None if is_open or percent is None else rng.random() < 0.5, layout=[]))
    return attempts


def test_the_summary_statement_follows_the_rule_on_random_histories(app, make_user):
    rng = random.Random(18)
    course = make_course(modules=4, lessons=1)
    quizzes = quizzes_of(course)
    for index, quiz in enumerate(quizzes):
        quiz.grading_method = (GradingMethod.HIGHEST if index % 2 == 0 else GradingMethod.LAST).value
    trainees = [make_user("trainee", name=f"Trainee {n}") for n in range(6)]
    made: dict[tuple[int, int], list[Attempt]] = {}
    for trainee in trainees:
        for quiz in quizzes:
            made[(trainee.id, quiz.id)] = random_attempts(rng, quiz, trainee.id)
            db.session.add_all(made[(trainee.id, quiz.id)])
    db.session.commit()

    summaries = attempt_summaries([t.id for t in trainees], [q.id for q in quizzes])
    assert len(summaries) == sum(1 for attempts in made.values() if attempts)
    for (user_id, quiz_id), attempts in made.items():
        quiz = db.session.get(Quiz, quiz_id)
        assert figures(result_of(quiz, summaries.get((user_id, quiz_id)))) == reference(quiz, attempts)
    for trainee in trainees:
        results = quiz_results(trainee.id, quizzes)
        assert {q.id: figures(results[q.id]) for q in quizzes} == \
            {q.id: reference(q, made[(trainee.id, q.id)]) for q in quizzes}


def test_seconds_are_truncated_like_python_at_the_microsecond(app, make_user):
    course = make_course(modules=1, lessons=1)
    quiz = quizzes_of(course)[0]
    trainee = make_user("trainee")
    started = datetime(2026, 3, 1, 8, 0, 0, 999_999)
    attempts = [
        Attempt(quiz_id=quiz.id, user_id=trainee.id, number=1, started_at=started,
                submitted_at=started + timedelta(seconds=4, microseconds=999_999), percent=50.0, passed=False,
                layout=[]),
        Attempt(quiz_id=quiz.id, user_id=trainee.id, number=2, started_at=datetime(2026, 3, 1, 23, 59, 59, 1),
                submitted_at=datetime(2026, 3, 2, 0, 0, 1, 0), percent=90.0, passed=True, layout=[]),
    ]
    db.session.add_all(attempts)
    db.session.commit()
    assert [attempt_seconds(a) for a in attempts] == [4, 1]
    assert quiz_results(trainee.id, [quiz])[quiz.id].seconds == 5
