"""Where a page's server time goes: pyinstrument around in-process requests on the bench data.

``python -m bench.profile_pages [DIR]`` builds the bench database in DIR (kept, so a second run
reuses it; a temporary directory otherwise; ``DATABASE_URL`` in the environment selects
PostgreSQL), logs one simulated trainee in through the real form and, with the Flask test
client, requests the lesson page, the course page and full quiz attempts ``PROFILE_REPEAT``
times each. It prints each scenario's CPU per request, SQL statements per request and the
pyinstrument profile (``PROFILE_SHOW=0`` prints the figures only).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

from bench import dataset
from bench.__main__ import app_env
from bench.client import csrf_token
from bench.settings import TRAINEE_PASSWORD

REPEAT = int(os.environ.get("PROFILE_REPEAT", "100"))
_FIELD_RE = re.compile(r'name="(q\d+)"[^>]*value="([^"]*)"')


def _statements(app):
    """A counter of the SQL statements the app's engine runs."""
    from sqlalchemy import event

    from training.extensions import db

    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    return counter


def _quiz_attempt(client, quiz_id: int, token: str) -> None:
    """Start, attempt page, submit whatever the page offers first, result page."""
    started = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
    location = started.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    answers = {}
    for name, value in _FIELD_RE.findall(page):
        if not answers.get(name):
            answers[name] = value
    answers["csrf_token"] = token
    submitted = client.post(location.rstrip("/") + "/submit", data=answers)
    assert submitted.status_code in (302, 303), submitted.status_code
    assert client.get(submitted.headers["Location"]).status_code == 200


def prepared_database(prefix: str) -> tuple[Path, dict]:
    """The work dir (``sys.argv[1]`` or a new temporary one) holding the bench database, built
    once and reused by later runs, with the environment of the app set to it; returns the dir
    and what ``dataset.build`` reported (trainees' emails, course, lesson and quiz)."""
    workdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix=prefix))
    workdir.mkdir(parents=True, exist_ok=True)
    env = app_env(workdir, os.environ.get("DATABASE_URL") if "DATABASE_URL" in os.environ else None)
    marker = workdir / "dataset.json"
    if not marker.exists():
        marker.write_text(repr(dataset.build(env, trainees=4).__dict__))
    os.environ.update(env)
    return workdir, eval(marker.read_text())  # noqa: S307 - our own file, written just above


def main() -> None:
    _workdir, info = prepared_database("profile-")
    from pyinstrument import Profiler

    from training import create_app

    app = create_app()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": info["emails"][0], "password": TRAINEE_PASSWORD,
                                "csrf_token": csrf_token(page)})
    slug, lesson, quiz = info["course_slug"], info["lesson_id"], info["quiz_id"]
    token = csrf_token(client.get(f"/courses/{slug}").get_data(as_text=True))
    counter = _statements(app)
    scenarios = {
        "lesson page": lambda: client.get(f"/courses/{slug}/lessons/{lesson}"),
        "course page": lambda: client.get(f"/courses/{slug}"),
        "quiz attempt": lambda: _quiz_attempt(client, quiz, token),
    }
    show = os.environ.get("PROFILE_SHOW", "1") != "0"
    for name, request in scenarios.items():
        request()  # warm up
        counter["n"] = 0
        profiler = Profiler(interval=0.0005)
        cpu = time.process_time()
        with profiler:
            for _ in range(REPEAT):
                request()
        cpu = (time.process_time() - cpu) / REPEAT * 1000
        print(f"== {name}: {cpu:.2f} ms CPU, {counter['n'] / REPEAT:.1f} statements per request")
        if show:
            print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
