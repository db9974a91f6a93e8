"""CPU per request in one process, beside the yardstick: the steadiest figure on a busy machine.

``python -m bench.cpu_per_request [DIR]`` uses the bench database that ``bench.profile_pages``
builds in DIR (building it first when missing), logs one simulated trainee in through the real
form and, with the Flask test client and no profiler, times the process CPU of the lesson page,
the course page, the logged-in ``/`` (a redirect: only the fixed cost of a logged-in request)
and full quiz attempts (start, attempt page, submit, result). The yardstick app is timed the same
way in the same process, so each figure is also given in yardstick requests; the page targets
(0.6x and 0.5x of the yardstick's throughput) mean about 1.7 and 2 yardstick requests of CPU.

Knobs: ``CPU_REPEAT`` (requests per figure, 200), ``CPU_ROUNDS`` (rounds; the lowest is kept,
3), ``CPU_TRAINEE`` (which simulated trainee, 0; trainee 0 keeps the attempts of earlier runs).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench import yardstick
from bench.client import csrf_token
from bench.profile_pages import _quiz_attempt, prepared_database
from bench.settings import TRAINEE_PASSWORD

REPEAT = int(os.environ.get("CPU_REPEAT", "200"))
ROUNDS = int(os.environ.get("CPU_ROUNDS", "3"))
TRAINEE = int(os.environ.get("CPU_TRAINEE", "0"))


def cpu_ms(request, repeat: int = REPEAT, rounds: int = ROUNDS) -> float:
    """Lowest mean process CPU of ``rounds`` rounds of ``repeat`` calls, after a warm-up."""
    for _ in range(5):
        request()
    best = float("inf")
    for _ in range(rounds):
        began = time.process_time()
        for _ in range(repeat):
            request()
        best = min(best, (time.process_time() - began) / repeat * 1000)
    return best


def yardstick_ms(workdir: Path) -> float:
    path = workdir / "yardstick.sqlite"
    if not path.exists():
        yardstick.prepare(path)
    os.environ["YARDSTICK_DB"] = str(path)
    client = yardstick.create_app().test_client()
    return cpu_ms(lambda: client.get("/"), repeat=REPEAT * 5)


def main() -> None:
    workdir, info = prepared_database("cpu-")
    yard = yardstick_ms(workdir)

    from training import create_app

    client = create_app().test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": info["emails"][TRAINEE], "password": TRAINEE_PASSWORD,
                                "csrf_token": csrf_token(page)})
    slug, lesson, quiz = info["course_slug"], info["lesson_id"], info["quiz_id"]
    token = csrf_token(client.get(f"/courses/{slug}").get_data(as_text=True))
    scenarios = {
        "logged-in redirect": lambda: client.get("/"),
        "lesson page": lambda: client.get(f"/courses/{slug}/lessons/{lesson}"),
        "course page": lambda: client.get(f"/courses/{slug}"),
        "quiz attempt (4 requests)": lambda: _quiz_attempt(client, quiz, token),
    }
    print(f"{'request':<28}{'CPU ms':>10}{'yardstick requests':>22}")
    print(f"{'yardstick':<28}{yard:>10.2f}{1:>22.1f}")
    for name, request in scenarios.items():
        spent = cpu_ms(request, repeat=max(REPEAT // 4, 10) if "quiz" in name else REPEAT)
        print(f"{name:<28}{spent:>10.2f}{spent / yard:>22.1f}")


if __name__ == "__main__":
    main()
