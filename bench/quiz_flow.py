"""The full quiz attempt, driven by simulated trainees from a separate process.

``python -m bench.quiz_flow plan.json`` runs ``clients`` threads spread over ``procs``
processes (threads of one process would share a GIL with the timers). Each client owns a
fixed set of trainees, so a trainee never has two attempts in flight, and cycles through them:
start the attempt, load the attempt page, submit its answers, load the result. An attempt
counts when its result page shows a grade; its id is reported so the orchestrator can check the
database for it. A client that has started an attempt always finishes it, even after the
window, so the run leaves no attempt open by its own doing.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from bench import databases
from bench.answers import fill, parse_attempt
from bench.client import Connection, CookieJar, FlowError, Reply, csrf_token, expect
from bench.report import percentiles

STEPS = ("start", "attempt page", "submit", "result page")
SKILL = 0.8  # chance of answering a question right: about three attempts in four pass


@dataclass
class Trainee:
    """A logged-in trainee: the session cookie and the CSRF token for the next form."""

    email: str
    jar: CookieJar
    csrf: str


@dataclass
class Tally:
    """What one client saw; merged across clients and processes at the end."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    in_window: int = 0
    completed: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def merge(self, other: Tally) -> None:
        """Add another client's tally to this one."""
        for step, values in other.latencies.items():
            self.latencies[step] += values
        self.in_window += other.in_window
        self.completed += other.completed
        self.errors += other.errors


def one_attempt(conn: Connection, trainee: Trainee, quiz_id: int, key: dict, rng: random.Random,
                timed: list[tuple[str, float, float]]) -> int:
    """Run the four steps for ``trainee``; append (step, seconds, end time); return the attempt id."""

    def step(name: str, reply: Reply) -> Reply:
        timed.append((name, reply.seconds, time.monotonic()))
        return reply

    jar = trainee.jar
    started = step("start", conn.request(jar, "POST", f"/quizzes/{quiz_id}/start", {"csrf_token": trainee.csrf}))
    expect(started, 302, "start", "/quizzes/attempts/")
    attempt_path = started.location
    attempt_id = int(attempt_path.rstrip("/").rsplit("/", 1)[1])
    page = expect(step("attempt page", conn.request(jar, "GET", attempt_path)), 200, "attempt page")
    fields = parse_attempt(page.body)
    if not fields:
        raise FlowError("attempt page shows no questions")
    trainee.csrf = csrf_token(page.body)
    form: dict[str, list[str] | str] = {**fill(fields, key, rng, SKILL), "csrf_token": trainee.csrf, "submit": "1"}
    submitted = step("submit", conn.request(jar, "POST", f"{attempt_path}/save", form))
    expect(submitted, 303, "submit", f"{attempt_path}/result")
    result = expect(step("result page", conn.request(jar, "GET", submitted.location)), 200, "result page")
    if 'role="status"' not in result.body or "passed" not in result.body:
        raise FlowError("result page shows no grade")
    return attempt_id


def run_client(plan: dict, trainees: list[Trainee], index: int) -> Tally:
    """One simulated client: attempts back to back until the window closes."""
    tally, rng = Tally(), random.Random(1000 + index)
    conn = Connection(plan["base_url"])
    warm_end, window_end = plan["warm_end"], plan["window_end"]
    turn = 0
    while time.monotonic() < window_end:
        trainee = trainees[turn % len(trainees)]
        turn += 1
        timed: list[tuple[str, float, float]] = []
        try:
            attempt_id = one_attempt(conn, trainee, plan["quiz_id"], plan["answer_key"], rng, timed)
        except (FlowError, OSError, ValueError) as err:
            tally.errors.append(f"{trainee.email}: {type(err).__name__}: {err}")
            conn.close()
            time.sleep(0.05)  # a broken server must not turn the driver into a busy loop
            continue
        tally.completed.append(attempt_id)
        for name, seconds, ended in timed:
            if warm_end <= ended <= window_end:
                tally.latencies[name].append(seconds)
        if warm_end <= timed[-1][2] <= window_end:
            tally.in_window += 1
    conn.close()
    return tally


def run_process(plan: dict, clients: list[list[dict]], first_index: int) -> Tally:
    """One driver process: a thread per client."""
    results: list[Tally] = [Tally() for _ in clients]

    def work(slot: int, accounts: list[dict]) -> None:
        """A client thread: its trainees' cookies, then attempts until the window closes."""
        trainees = [Trainee(a["email"], CookieJar(dict(a["cookies"])), a["csrf"]) for a in accounts]
        try:
            results[slot] = run_client(plan, trainees, first_index + slot)
        except Exception as err:  # report a driver bug as an error instead of hanging the run
            results[slot].errors.append(f"driver: {type(err).__name__}: {err}")

    threads = [threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally()
    for tally in results:
        total.merge(tally)
    return total


def drive(plan: dict) -> dict:
    """Split trainees over clients and clients over processes; return the merged figures."""
    clients = [plan["accounts"][i :: plan["clients"]] for i in range(plan["clients"])]
    procs = max(1, min(plan["procs"], len(clients)))
    start = time.monotonic() + 0.5  # every process starts its clock on the same instants
    plan = {**plan, "warm_end": start + plan["warmup"], "window_end": start + plan["warmup"] + plan["duration"]}
    shares = [clients[p::procs] for p in range(procs)]
    total = Tally()
    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(run_process, plan, share, p * 1000) for p, share in enumerate(shares)]
        for future in futures:
            total.merge(future.result())
    return {
        "attempts_per_s": total.in_window / plan["duration"],
        "attempts_in_window": total.in_window,
        "completed_ids": sorted(total.completed),
        "steps": {step: percentiles(values) for step, values in total.latencies.items()},
        "errors": len(total.errors),
        "error_samples": total.errors[:5],
    }


def verify_attempts(url: str, completed: list[int], email_pattern: str) -> dict:
    """Every attempt the driver counted must be in the database, submitted by the trainee and
    graded (totals and every one of its responses scored: the quiz draws its questions); no other
    attempt of the bench trainees may be open.

    Plain SQL on the bench database (SQLite or PostgreSQL): the check must not depend on the
    code it checks.
    """
    counted = set(completed)
    graded: set[int] = set()
    for chunk in (sorted(counted)[i : i + 500] for i in range(0, len(counted), 500)):
        graded |= {row[0] for row in databases.query(
            url,
            "SELECT a.id FROM attempts a WHERE a.id IN :ids AND a.submitted_at IS NOT NULL"
            " AND a.submitted_by = 'trainee' AND a.score IS NOT NULL AND a.max_score IS NOT NULL"
            " AND a.percent IS NOT NULL AND a.passed IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM responses r WHERE r.attempt_id = a.id)"
            " AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.attempt_id = a.id AND r.fraction IS NULL)",
            {"ids": chunk}, expanding=("ids",),
        )}
    open_left, passed = databases.query(
        url,
        "SELECT coalesce(sum(CASE WHEN a.submitted_at IS NULL THEN 1 ELSE 0 END), 0),"
        " coalesce(sum(CASE WHEN a.passed THEN 1 ELSE 0 END), 0) FROM attempts a"
        " JOIN users u ON u.id = a.user_id WHERE u.email LIKE :pattern",
        {"pattern": email_pattern},
    )[0]
    return {"counted": len(completed), "duplicates": len(completed) - len(counted), "graded": len(graded),
            "lost": len(counted - graded) + len(completed) - len(counted), "left_open": open_left or 0,
            "passed": passed or 0}


def main() -> None:
    """``python -m bench.quiz_flow plan.json``: the merged figures as one JSON line."""
    with open(sys.argv[1]) as plan_file:
        plan = json.load(plan_file)
    print(json.dumps(drive(plan)))


if __name__ == "__main__":
    main()
