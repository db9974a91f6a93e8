"""The throw-away database: migrate and seed like ``make run``, then add the simulated trainees.

Runs the real ``flask db upgrade`` and ``flask seed-demo`` commands, then (in a child process
that owns the app context) creates the trainees with one pre-hashed password, enrols them
through the enrolment service, gives them some progress so that progress bars have something
to draw, and lifts the attempts limit so that every trainee can take the quiz over and over.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from bench import proc
from bench.settings import COURSE_SLUG, TRAINEE_PASSWORD

#: the simulated trainees' addresses, as a LIKE pattern (for the database checks)
EMAIL_PATTERN = "bench-trainee-%@example.org"
#: every lesson of module 1 is completed before the run, since the module's quiz opens only then;
#: the lesson page measured is the last of them (previous and next links, "Completed", the ticks)


@dataclass(frozen=True)
class Dataset:
    """What the scenarios need to know about the seeded database."""

    course_slug: str
    quiz_id: int
    lesson_id: int
    emails: list[str]
    #: question id -> what answers it right, for the quiz driver (see bench/answers.py)
    answer_key: dict[str, dict]


def _run(command: list[str], env: Mapping[str, str]) -> str:
    """Run a set-up command; its output is shown only if it fails."""
    done = proc.run(command, timeout=600, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def build(env: Mapping[str, str], trainees: int) -> Dataset:
    """Migrate, seed and add ``trainees`` trainees in the database ``env`` points at."""
    flask = [sys.executable, "-m", "flask"]
    _run([*flask, "db", "upgrade"], env)
    _run([*flask, "seed-demo"], env)
    out = _run([sys.executable, "-m", "bench.dataset", str(trainees)], env)
    data = json.loads(out.strip().splitlines()[-1])
    return Dataset(**data)


def _answer_key(module_id: int) -> dict[str, dict]:
    """Right answers of the module's pool, in the page's terms (label texts, typed text, pairs)."""
    from sqlalchemy import select

    from quizzes.grading import format_number
    from quizzes.models import Question
    from training.extensions import db

    key: dict[str, dict] = {}
    pool = db.session.scalars(select(Question).where(Question.module_id == module_id, Question.retired.is_(False)))
    for question in pool:
        data = question.data or {}
        choices = data.get("choices", [])
        best = max((c["fraction"] for c in choices), default=0)
        if question.qtype in ("single", "truefalse"):
            key[str(question.id)] = {"choices": [c["text"] for c in choices if c["fraction"] == best]}
        elif question.qtype == "multiple":
            key[str(question.id)] = {"choices": [c["text"] for c in choices if c["fraction"] > 0]}
        elif question.qtype == "short":
            key[str(question.id)] = {"text": next((c["text"] for c in choices if c["fraction"] == best), "")}
        elif question.qtype == "numeric" and data.get("numeric"):
            spec = max(data["numeric"], key=lambda n: n["fraction"])
            value = spec["value"] if spec["value"] is not None else spec["low"]
            key[str(question.id)] = {"text": format_number(float(value))}
        elif question.qtype == "matching":
            key[str(question.id)] = {"pairs": {str(p["id"]): p["answer"] for p in data.get("pairs", [])}}
    return key


def _add_trainees(count: int) -> dict:
    """Inside the app context: the trainees, their enrolment and progress, unlimited attempts."""
    from sqlalchemy import select, update

    from modules.models import Course, LessonCompletion
    from modules.services import enrol
    from quizzes.models import Quiz
    from training.auth.models import User, UserRole
    from training.auth.passwords import hash_password
    from training.extensions import db

    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    if course is None:
        raise RuntimeError(f"seed-demo did not create the course {COURSE_SLUG}")
    first_module = min(course.modules, key=lambda m: m.position)
    lessons = sorted(first_module.lessons, key=lambda lesson: lesson.position)
    password_hash = hash_password(TRAINEE_PASSWORD)
    emails = []
    for n in range(1, count + 1):
        user = User(email=f"bench-trainee-{n:03d}@example.org", name=f"Bench Trainee {n:03d}",
                    password_hash=password_hash, profession="physical_therapist",
                    license_number=f"PT-B{n:04d}", license_state="TX")
        user.role_rows = [UserRole(role="trainee")]
        db.session.add(user)
        db.session.flush()
        enrol(user, course)
        db.session.add_all(LessonCompletion(user_id=user.id, lesson_id=lesson.id) for lesson in lessons)
        emails.append(user.email)
    db.session.execute(update(Quiz).values(attempts_allowed=None))
    quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.module_id == first_module.id))
    db.session.commit()
    return {"course_slug": course.slug, "quiz_id": quiz_id, "lesson_id": lessons[-1].id,
            "emails": emails, "answer_key": _answer_key(first_module.id)}


def main() -> None:
    """``python -m bench.dataset N``: print the dataset as JSON on the last line."""
    from training import create_app

    app = create_app()
    with app.app_context():
        print(json.dumps(_add_trainees(int(sys.argv[1]))))


if __name__ == "__main__":
    main()
