"""``make soak``: 200 simulated trainees taking a timed quiz for 60 s on PostgreSQL.

The real app under gunicorn (the ``make run`` settings) on a fresh PostgreSQL database started
as CI starts it (bench/databases.py), the shipped course with a one-minute time limit on the
module 1 quiz and a 5 s grace period, so that trainees who walk away see their deadline expire
within the run. The trainees (bench/soak_driver.py) think 5-10 s between autosaves, some close
the tab and resume, some return after their deadline. Afterwards plain SQL checks that every
answer the driver saw acknowledged is stored and that every attempt is graded exactly once (one
``quiz.submitted`` audit entry, totals set). Prints p50/p99 per request kind; exit status 1
when anything was lost or the run broke.

Knobs: ``SOAK_TRAINEES`` (200), ``SOAK_DURATION`` (60 s), ``SOAK_PROCS`` (4 driver processes).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import databases, dataset, server
from bench.__main__ import app_env, log, login_all
from bench.report import percentiles
from bench.settings import Settings
from bench.soak_driver import Log, Trainee

TIME_LIMIT_MINUTES = 1
GRACE_SECONDS = 5


def drive_process(plan: dict, accounts: list[dict], first: int) -> Log:
    """One driver process: a thread per trainee."""
    result = Log()
    threads = [threading.Thread(target=Trainee(plan, a, result, first + i).run, daemon=True)
               for i, a in enumerate(accounts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def drive(plan: dict, accounts: list[dict], procs: int) -> Log:
    total = Log()
    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(drive_process, plan, accounts[p::procs], 1000 * p) for p in range(procs)]
        for future in futures:
            part = future.result()
            for kind, values in part.latencies.items():
                total.latencies.setdefault(kind, []).extend(values)
            total.attempts.update(part.attempts)
            total.errors += part.errors
    return total


def check(url: str, seen: Log) -> dict:
    """Plain SQL: acknowledged answers stored, every attempt graded exactly once."""
    engine = create_engine(url)
    lost_answers, ungraded, graded_twice, by_deadline = [], [], [], 0
    with engine.connect() as conn:
        for attempt_id, record in seen.attempts.items():
            stored = dict(conn.execute(text(
                "SELECT 'q' || r.question_id, r.answer IS NOT NULL AND r.saved_at IS NOT NULL"
                " FROM responses r WHERE r.attempt_id = :id"), {"id": int(attempt_id)}).all())
            lost_answers += [f"{attempt_id}/{q}" for q in record["questions"] if not stored.get(q)]
            row = conn.execute(text(
                "SELECT a.submitted_at IS NOT NULL AND a.score IS NOT NULL AND a.passed IS NOT NULL,"
                " a.submitted_by, (SELECT count(*) FROM audit_entries e WHERE e.action = 'quiz.submitted'"
                " AND e.subject = :subject) FROM attempts a WHERE a.id = :id"),
                {"id": int(attempt_id), "subject": f"attempt:{attempt_id}"}).one()
            if not row[0]:
                ungraded.append(attempt_id)
            if row[2] != 1:
                graded_twice.append(f"{attempt_id} ({row[2]} gradings)")
            by_deadline += row[1] == "deadline"
    engine.dispose()
    return {"attempts": len(seen.attempts), "acknowledged_answers": sum(len(r["questions"]) for r in
                                                                       seen.attempts.values()),
            "lost_answers": lost_answers, "ungraded": ungraded, "not_graded_once": graded_twice,
            "closed_by_deadline": by_deadline}


def report(seen: Log, result: dict, seconds: float) -> str:
    lines = ["| request kind | n | p50 ms | p99 ms | max ms |", "|---|---|---|---|---|"]
    for kind, values in sorted(seen.latencies.items()):
        p = percentiles(values)
        lines.append(f"| {kind} | {p['n']} | {p['p50']:.1f} | {p['p99']:.1f} | {p['max']:.1f} |")
    lost = len(result["lost_answers"]) + len(result["ungraded"]) + len(result["not_graded_once"])
    lines += [
        "",
        f"{result['attempts']} attempts ({result['closed_by_deadline']} closed by their deadline), "
        f"{result['acknowledged_answers']} acknowledged answers, {len(seen.errors)} driver errors, "
        f"{seconds:.0f} s of load.",
        f"Lost answers: {len(result['lost_answers'])}; attempts not graded: {len(result['ungraded'])}; "
        f"attempts not graded exactly once: {len(result['not_graded_once'])}. LOST: {lost}",
    ]
    lines += [f"  {e}" for e in (seen.errors[:5] + result["lost_answers"][:5] + result["ungraded"][:5]
                                 + result["not_graded_once"][:5])]
    return "\n".join(lines)


def main() -> int:
    trainees = int(os.environ.get("SOAK_TRAINEES", "200"))
    duration = float(os.environ.get("SOAK_DURATION", "60"))
    procs = int(os.environ.get("SOAK_PROCS", "4"))
    settings = Settings.from_env()
    workdir = Path(tempfile.mkdtemp(prefix="dn-soak-"))
    os.environ.setdefault("BENCH_PG_DB", "dn_soak")
    try:
        url = databases.postgresql_url()
        env = {**app_env(workdir, url), "QUIZ_GRACE_SECONDS": str(GRACE_SECONDS)}
        log(f"soak: {trainees} trainees, {duration:g} s, database {url}")
        data = dataset.build(env, trainees)
        engine = create_engine(url)
        with engine.begin() as conn:  # the timed quiz: one minute, so deadlines expire in the run
            conn.execute(text("UPDATE quizzes SET time_limit_minutes = :m WHERE id = :id"),
                         {"m": TIME_LIMIT_MINUTES, "id": data.quiz_id})
        engine.dispose()
        with server.serve("wsgi:app", env, workdir, name="app", workers=settings.workers,
                          threads=settings.threads) as app:
            log(f"app on {app.base_url}; logging {trainees} trainees in ...")
            accounts = login_all(app.base_url, data)
            start = time.monotonic()
            plan = {"base_url": app.base_url, "quiz_id": data.quiz_id, "answer_key": data.answer_key,
                    "window_end": start + duration,
                    "expire_after": TIME_LIMIT_MINUTES * 60 + GRACE_SECONDS + 2}
            log("trainees at work ...")
            seen = drive(plan, accounts, procs)
            seconds = time.monotonic() - start
            app.check_alive("the soak")
        result = check(url, seen)
        print(report(seen, result, seconds))
        lost = len(result["lost_answers"]) + len(result["ungraded"]) + len(result["not_graded_once"])
        return 1 if lost or seen.errors else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
