"""The life of an attempt: start, save answers as the trainee goes, submit, grade.

The rules that stop gaming live here: the questions and their order are fixed on the server
at start; answers are checked against that layout; nothing is accepted after the deadline
(plus a grace period); a finished attempt never changes on a second submission; the attempts
limit and "one open attempt" are database constraints, so they hold under concurrent starts.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from quizzes.accommodations import allowed_minutes, multiplier_of
from quizzes.blueprint import DrawPool, assign, draw_pool, plan_for
from quizzes.content import QuestionContent, attempt_questions_content, quiz_content
from quizzes.grading import InvalidAnswer, parse_answer, score_fraction
from quizzes.models import Attempt, Question, Quiz, Response
from quizzes.signals import attempt_graded
from training.audit import record_event
from training.database import utcnow
from training.extensions import db

CHOICE_TYPES = ("single", "multiple", "truefalse")


#: what a save or submission of a submitted attempt is told
ALREADY_SUBMITTED = "This attempt was already submitted; nothing was changed."


class QuizError(ValueError):
    """A request the quiz rules refuse; the message is shown to the trainee."""


class AnswerErrors(QuizError):
    """Some submitted answers are invalid; ``errors`` maps question id to message.

    The valid answers of the same save are stored: the caller commits, then shows the errors.
    """

    def __init__(self, errors: dict[int, str], saved: int = 0):
        super().__init__("Some answers could not be accepted: see the messages next to them.")
        self.errors = errors
        #: how many other answers were stored by the same save
        self.saved = saved


def current_time() -> datetime:
    """The clock the quiz rules use (naive UTC); tests replace it to control time."""
    return utcnow()


# The statements of every step are built once, with bound parameters: building a statement
# and its cache key cost as much as running it (SQLite) on each request.
_STANDING = select(func.count(), func.max(case((Attempt.submitted_at.is_(None), Attempt.id)))).where(
    Attempt.quiz_id == bindparam("quiz_id"), Attempt.user_id == bindparam("user_id"))
_TIMED_STANDING = _STANDING.add_columns(multiplier_of(bindparam("user_id")))
_RESPONSES = (select(Response).where(Response.attempt_id == bindparam("attempt_id")).order_by(Response.position)
              .execution_options(populate_existing=True))
_LOCK = (update(Attempt)
         .where(Attempt.id == bindparam("lock_id"), Attempt.user_id == bindparam("lock_user"),
                Attempt.submitted_at.is_(None))
         .values(submitted_at=None).returning(Attempt).execution_options(populate_existing=True))


def attempt_standing(quiz: Quiz, user_id: int) -> tuple[int, int | None, float]:
    """Attempts used, the open attempt's id (None when none is open) and, for a timed quiz,
    the person's time multiplier: what a start decides on, in one statement."""
    timed = bool(quiz.time_limit_minutes)
    row = db.session.execute(_TIMED_STANDING if timed else _STANDING,
                             {"quiz_id": quiz.id, "user_id": user_id}).one()
    multiplier = row[2] if timed and row[2] is not None else 1.0
    return row[0], row[1], multiplier


def build_layout(quiz: Quiz, pool: list[QuestionContent], rng: random.Random,
                 draw: DrawPool | None = None) -> list[dict]:
    """Draw and order the questions and their choices for one attempt.

    With a blueprint (or N per objective) the objectives' slots are filled first, then the
    draw count, if larger, is topped up at random from the rest of the pool.
    """
    chosen = list(pool)
    plan = plan_for(quiz, list(draw.objectives)) if draw is not None else {}
    if plan:
        picked = assign(plan, draw.items(), rng)
        if picked is None:
            raise QuizError("This quiz cannot be drawn from its question pool right now; please tell your instructor.")
        by_id = {q.id: q for q in pool}
        chosen = [by_id[question_id] for question_id in picked]
        rest = [q for q in pool if q.id not in set(picked)]
        if quiz.draw_count and quiz.draw_count > len(chosen):
            chosen += rng.sample(rest, min(len(rest), quiz.draw_count - len(chosen)))
    elif quiz.draw_count and quiz.draw_count < len(chosen):
        chosen = rng.sample(chosen, quiz.draw_count)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    else:
        chosen.sort(key=lambda q: q.id)
    layout = []
    for question in chosen:
        data = question.data or {}
        entry: dict = {"question_id": question.id, "choice_order": [], "match_options": []}
        if question.qtype in CHOICE_TYPES:
            ids = [c["id"] for c in data.get("choices", [])]
            if quiz.shuffle_choices and question.qtype != "truefalse":
                rng.shuffle(ids)
            entry["choice_order"] = ids
        elif question.qtype == "matching":
            options = sorted({p["answer"] for p in data.get("pairs", [])})
            rng.shuffle(options)
            entry["match_options"] = options
        layout.append(entry)
    return layout


def start_attempt(quiz: Quiz, user, *, rng: random.Random | None = None) -> Attempt:
    """Resume the open attempt, or start a new one if attempts remain.

    ``quiz`` may be the cached settings (``quizzes.content.quiz_content``). When a concurrent
    start wins the race, ``QuizError`` is raised and the session must be rolled back.
    """
    now = current_time()
    used, open_id, multiplier = attempt_standing(quiz, user.id)
    if open_id is not None:
        existing = db.session.get(Attempt, open_id)
        if not close_if_expired(existing):
            return existing
    if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
        raise QuizError(f"You have used all {quiz.attempts_allowed} attempts at this quiz.")
    draw = draw_pool(quiz)
    if not draw.questions:
        raise QuizError("This quiz has no questions yet.")
    layout = build_layout(quiz, draw.questions, rng or random.SystemRandom(), draw)
    minutes = allowed_minutes(quiz, user.id, multiplier)
    deadline = now + timedelta(minutes=minutes) if minutes else None
    attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=used + 1, started_at=now,
                      deadline=deadline, layout=layout)
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError as err:  # a concurrent start took this number or opened an attempt
        raise QuizError("Another attempt was started at the same moment; open the quiz again.") from err
    # one executemany for the empty responses, however many questions (the ORM would insert
    # them one by one to read each new id back)
    db.session.execute(insert(Response), [
        {"attempt_id": attempt.id, "question_id": entry["question_id"], "position": index}
        for index, entry in enumerate(layout, start=1)
    ])
    return attempt


def load_attempt(attempt_id: int) -> Attempt | None:
    """The attempt with its responses (two statements). Its quiz and questions are course
    content: ``quizzes.content.quiz_content`` and ``attempt_questions_content``."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is not None:
        load_responses(attempt)
    return attempt


def lock_open_attempt(attempt_id: int, user_id: int) -> Attempt | None:
    """``user_id``'s attempt if it is still open, its row locked for this transaction, with the
    responses read after the lock; None when it is submitted, someone else's or missing.

    The lock is a no-op update, so a save or submission that would race another one waits for
    it to commit, then reads what it stored (or finds the attempt closed).
    """
    attempt = db.session.scalar(_LOCK, {"lock_id": attempt_id, "lock_user": user_id})
    if attempt is not None:
        load_responses(attempt)
    return attempt


def load_responses(attempt: Attempt) -> None:
    """Read the attempt's responses as stored now, in the attempt's order."""
    responses = db.session.scalars(_RESPONSES, {"attempt_id": attempt.id}).all()
    set_committed_value(attempt, "responses", responses)


def _grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("QUIZ_GRACE_SECONDS", 30))


def accepts_answers(attempt: Attempt, now: datetime | None = None) -> bool:
    """Open, and not past the deadline plus the grace period."""
    if attempt.submitted_at is not None:
        return False
    if attempt.deadline is None:
        return True
    return (now or current_time()) <= attempt.deadline + _grace()


def time_ran_out(attempt: Attempt, now: datetime | None = None) -> bool:
    """Not yet submitted but past its deadline: pages show it closed; a POST or the job closes it.

    Reads do not write: a page that finds such an attempt says so instead of grading it.
    """
    return attempt.submitted_at is None and not accepts_answers(attempt, now)


def close_if_expired(attempt: Attempt, *, locked: bool = False) -> bool:
    """Submit an attempt whose time ran out with what was saved; True if it was closed.

    ``locked`` as for ``submit_attempt``.
    """
    if time_ran_out(attempt):
        submit_attempt(attempt, by="deadline", locked=locked)
        return True
    return False


def close_expired_attempts(now: datetime | None = None) -> int:
    """Submit every attempt whose time ran out (job ``close-expired-attempts``, ``flask quizzes close-expired``)."""
    cutoff = (now or current_time()) - _grace()
    stale = db.session.scalars(
        select(Attempt).where(Attempt.submitted_at.is_(None), Attempt.deadline < cutoff)
        .order_by(Attempt.id)
    ).all()
    return sum(close_if_expired(attempt) for attempt in stale)


def save_answers(attempt: Attempt, form: Mapping[str, list[str]], *, locked: bool = False) -> int:
    """Store the posted answers of ``attempt``, each question on its own. Returns how many changed.

    ``form`` maps field names to their values. Only ``q<question id>`` fields of questions
    in this attempt are accepted; choice fields carry the position shown, not a choice id.
    A value that cannot be read (a mistyped number) keeps that question's stored answer and
    is reported in ``AnswerErrors`` after every other answer has been stored: one typo must
    not cost the trainee the rest of the page. ``locked``: the caller took the attempt from
    ``lock_open_attempt`` in this transaction.
    """
    if not locked and (attempt.submitted_at is not None or not _lock_open_attempt(attempt)):
        raise QuizError(ALREADY_SUBMITTED)
    if not accepts_answers(attempt):
        close_if_expired(attempt, locked=locked)
        raise QuizError("Time is up: the attempt was submitted with the answers saved before the deadline.")
    by_question = {r.question_id: r for r in attempt.responses}
    layout = {entry["question_id"]: entry for entry in attempt.layout}
    questions = attempt_questions_content(attempt)
    errors: dict[int, str] = {}
    parsed: dict[int, dict | None] = {}
    for name, values in form.items():
        if not name.startswith("q"):
            continue
        key = name[1:]
        if not (key.isascii() and key.isdigit()) or int(key) not in by_question:
            raise QuizError("The form contained an answer to a question that is not in this attempt.")
        question_id = int(key)
        question = questions[question_id]
        try:
            values = _decode_choice_positions(question.qtype, layout[question_id], values)
            parsed[question_id] = parse_answer(question.spec(), values)
        except InvalidAnswer as err:
            errors[question_id] = str(err)
    now = current_time()
    changed = [{"id": by_question[question_id].id, "answer": answer, "saved_at": now}
               for question_id, answer in parsed.items() if by_question[question_id].answer != answer]
    _store(Response, changed, [by_question[question_id] for question_id in parsed
                               if by_question[question_id].answer != parsed[question_id]])
    if errors:
        raise AnswerErrors(errors, len(changed))
    return len(changed)


def _store(model, rows: list[dict], objects: list) -> None:
    """Write ``rows`` (primary key and new values) in one executemany, and show the values on
    the loaded ``objects`` (same order) as already stored: a flush would write them row by row."""
    if not rows:
        return
    db.session.execute(update(model), rows)
    for row, obj in zip(rows, objects, strict=True):
        for key, value in row.items():
            if key != "id":
                set_committed_value(obj, key, value)


def _lock_open_attempt(attempt: Attempt) -> bool:
    """Lock the attempt's row while it is still open; False if it was submitted meanwhile.

    A save that read the attempt before a concurrent submission must not write answers into
    the graded attempt: this no-op update waits for the submission's lock, then finds the
    row closed. ``submit_attempt`` takes the same lock, so the two never interleave.
    """
    return db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def _decode_choice_positions(qtype: str, entry: dict, values: list[str]) -> list[str]:
    """Choice fields send the 1-based position shown; map it back to the stored choice id."""
    if qtype not in CHOICE_TYPES:
        return values
    order = entry.get("choice_order", [])
    decoded = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= len(order):
            raise InvalidAnswer("That choice is not one of the options shown.")
        decoded.append(str(order[int(value) - 1]))
    return decoded


def submit_attempt(attempt: Attempt, *, by: str = "trainee", locked: bool = False) -> bool:
    """Close and grade the attempt once; a repeated submission changes nothing (False).

    ``locked``: this transaction took the open attempt from ``lock_open_attempt`` (so it holds
    the row lock and read the responses after taking it). Otherwise the lock is taken here and
    the responses are read again: a save that held the lock before has committed since.
    """
    if not locked:
        if not _lock_open_attempt(attempt):
            db.session.refresh(attempt)
            return False
        load_responses(attempt)
    now = current_time()
    grade_attempt(attempt, quiz_content(attempt.quiz_id), attempt_questions_content(attempt),
                  submitted_at=now, submitted_by=by)
    record_event(
        "quiz.submitted", f"attempt:{attempt.id}",
        {"quiz_id": attempt.quiz_id, "number": attempt.number, "percent": attempt.percent,
         "passed": attempt.passed, "by": by},
        actor=attempt.user if by == "trainee" else None,
    )
    attempt_graded.send(attempt)
    return True


def grade_attempt(attempt: Attempt, quiz, questions: Mapping[int, Question | QuestionContent],
                  **columns) -> None:
    """Score every response against its question as it is now (``questions`` by id), then the
    attempt's totals; each in one statement, the totals with ``columns`` (a submission's time)."""
    rows = []
    for response in attempt.responses:
        question = questions[response.question_id]
        fraction = score_fraction(question.spec(), response.answer)
        rows.append({"id": response.id, "fraction": fraction, "score": round(fraction * question.points, 6),
                     "graded_version": question.version})
    _store(Response, rows, list(attempt.responses))
    total = sum(questions[r.question_id].points for r in attempt.responses)
    score = sum(r.score or 0 for r in attempt.responses)
    percent = round(100 * score / total, 2) if total else 0.0
    _store(Attempt, [{"id": attempt.id, **columns, "score": round(score, 6), "max_score": round(total, 6),
                      "percent": percent, "passed": percent >= quiz.pass_mark}], [attempt])
