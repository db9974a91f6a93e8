"""``python -m bench`` (``make bench``): measure the platform and print figures next to targets.

Order matters on a 2-core machine shared by load generator and server: one server at a time,
the yardstick first, the read-only page scenarios before the quiz flow (which adds attempts
that the course page then has to read), the in-process scenarios last. Every temp dir and
process is cleaned up on the way out, even on failure or Ctrl-C. Exit status: 0 whenever the
figures were produced (targets missed or not), 1 only when the harness itself broke.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from bench import dataset, pages, proc, quiz_flow, server, targets, yardstick
from bench.client import Connection, login
from bench.report import Row, summary, table
from bench.settings import TRAINEE_PASSWORD, Settings

T = TypeVar("T")
LOGIN_THREADS = 4  # logins are argon2-bound: a few at a time, with headroom for the server


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def app_env(workdir: Path) -> dict[str, str]:
    """The ``make run`` environment pointed at a throw-away instance dir and database."""
    instance = workdir / "instance"
    instance.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "CERT_SIGNING_KEY_PEM"}
    env.update({
        "APP_ENV": "development",
        "FLASK_APP": "wsgi",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'training.sqlite'}",
        "CERT_SIGNING_KEY_PATH": str(instance / "certificate_signing_key.pem"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # the simulated trainees all log in from 127.0.0.1: the per-address limit stays on
        # (the code path is measured) but high enough for them; per account stays as configured
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def measure_yardstick(settings: Settings, tool: pages.LoadTool, workdir: Path, label: str) -> dict:
    """The yardstick under the same gunicorn settings and the same load tool as the app."""
    db_path = workdir / f"yardstick-{label}.sqlite"
    yardstick.prepare(db_path)
    env = {**os.environ, "YARDSTICK_DB": str(db_path)}
    with server.serve("bench.yardstick:create_app()", env, workdir, name=f"yardstick-{label}",
                      workers=settings.workers, threads=settings.threads) as yard:
        pages.check_page(yard.base_url, "/", "", "Dry needling course 20")
        return pages.measure(yard.base_url, "/", [], settings, tool, workdir, yard.cpu_seconds)


def login_all(base_url: str, data: dataset.Dataset) -> list[dict]:
    """Log every trainee in once through the real form; their cookies serve every scenario."""
    landing = f"/courses/{data.course_slug}"

    def one(email: str) -> dict:
        conn = Connection(base_url)
        try:
            jar, csrf = login(conn, email, TRAINEE_PASSWORD, landing)
        finally:
            conn.close()
        return {"email": email, "cookies": jar.cookies, "csrf": csrf}

    with ThreadPoolExecutor(LOGIN_THREADS) as pool:
        return list(pool.map(one, data.emails))


def run_flow(base_url: str, data: dataset.Dataset, accounts: list[dict], settings: Settings, workdir: Path) -> dict:
    """The quiz driver in its own process (it forks its own workers)."""
    plan = {"base_url": base_url, "quiz_id": data.quiz_id, "accounts": accounts, "answer_key": data.answer_key,
            "clients": settings.clients, "procs": settings.flow_procs,
            "warmup": settings.flow_warmup, "duration": settings.flow_duration}
    plan_file = workdir / "flow-plan.json"
    plan_file.write_text(json.dumps(plan))
    return proc.python_json("bench.quiz_flow", [str(plan_file)],
                            timeout=settings.flow_warmup + settings.flow_duration + 300)


def measure_app(settings: Settings, tool: pages.LoadTool, workdir: Path) -> dict:
    """Seed, serve the app, log the trainees in, run the page scenarios and the quiz flow."""
    env = app_env(workdir)
    log(f"seeding a throw-away database with {settings.trainees} trainees ...")
    data = dataset.build(env, settings.trainees)
    with server.serve("wsgi:app", env, workdir, name="app", workers=settings.workers,
                      threads=settings.threads) as app:
        log(f"app on {app.base_url}; logging {len(data.emails)} trainees in through /login ...")
        accounts = login_all(app.base_url, data)
        cookies = ["; ".join(f"{k}={v}" for k, v in a["cookies"].items()) for a in accounts]
        lesson = f"/courses/{data.course_slug}/lessons/{data.lesson_id}"
        course = f"/courses/{data.course_slug}"
        pages.check_page(app.base_url, lesson, cookies[0], "Mark as complete")
        pages.check_page(app.base_url, course, cookies[0], "Course progress")
        log(f"lesson page {lesson} ...")
        lesson_figures = pages.measure(app.base_url, lesson, cookies, settings, tool, workdir, app.cpu_seconds)
        log(f"course page {course} ...")
        course_figures = pages.measure(app.base_url, course, cookies, settings, tool, workdir, app.cpu_seconds)
        log(f"quiz attempt flow: {settings.clients} clients, {settings.flow_warmup:g} s warm-up, "
            f"{settings.flow_duration:g} s window ...")
        cpu_before = app.cpu_seconds()
        flow = run_flow(app.base_url, data, accounts, settings, workdir)
        done = len(flow["completed_ids"])  # warm-up and tail included, like the CPU they used
        flow["cpu_ms"] = 1000 * (app.cpu_seconds() - cpu_before) / done if done else float("nan")
        worker_peak = app.peak_worker_rss_mb()
    check = quiz_flow.verify_attempts(env["DATABASE_URL"].removeprefix("sqlite:///"), flow["completed_ids"],
                                      dataset.EMAIL_PATTERN)
    return {"lesson": lesson_figures, "course": course_figures, "flow": flow, "check": check,
            "worker_peak": worker_peak}


class Stages:
    """Runs each scenario on its own: one that breaks is reported (and makes the exit status 1)
    while the others still produce their figures."""

    def __init__(self) -> None:
        self.failed: list[Row] = []

    def run(self, name: str, action: Callable[[], T]) -> T | None:
        try:
            return action()
        except Exception as err:  # report and go on; Ctrl-C and SIGTERM still stop the run
            traceback.print_exc()
            log(f"{name} FAILED: {type(err).__name__}: {err}")
            self.failed.append(Row(name, "scenario", None, "", None, "", False,
                                   f"FAILED: {type(err).__name__}: {str(err).splitlines()[0][:120]}"))
            return None


def run(settings: Settings, workdir: Path, stages: Stages) -> list[Row]:
    """All scenarios, in order; returns the table rows."""
    tool = pages.choose_tool(settings)
    log(f"page load generator: {tool.name}{' (' + tool.note + ')' if tool.note else ''}")
    log("yardstick (before) ...")
    yard_before = stages.run("yardstick", lambda: measure_yardstick(settings, tool, workdir, "before"))
    app = stages.run("app scenarios", lambda: measure_app(settings, tool, workdir))
    log(f"CE export of {settings.export_rows:,} certificates (bench.export_bench) ...")
    export_dir = workdir / "export"
    export_dir.mkdir()
    export = stages.run("CE export", lambda: proc.python_json(
        "bench.export_stage", [str(settings.export_rows)], env=app_env(export_dir), timeout=1800))
    if export and export.get("status") == "ok":
        log(f"export_bench returned keys: {', '.join(export['result'])}")
    log(f"certificate PDF: {settings.pdf_renders} renders after {settings.pdf_warmup} warm-up ...")
    pdf = stages.run("certificate PDF", lambda: proc.python_json(
        "bench.pdf_bench", [str(settings.pdf_renders), str(settings.pdf_warmup)], env=app_env(workdir), timeout=600))
    log("yardstick (after) ...")
    yard_after = stages.run("yardstick", lambda: measure_yardstick(settings, tool, workdir, "after"))
    rows: list[Row] = []
    yard = {"rps": 0.0, "cpu_ms": None}
    if yard_before or yard_after:
        yard, rows = targets.yardstick_rows(yard_before or yard_after, yard_after or yard_before, tool.note)
    if app:
        rows += targets.page_rows("lesson page", app["lesson"], yard, targets.LESSON_RATIO)
        rows += targets.page_rows("course page", app["course"], yard, None)
        rows += targets.quiz_rows(app["flow"], app["check"], yard)
        rows.append(Row("app server", "worker peak RSS", app["worker_peak"], "MB",
                        note="largest gunicorn worker, logins included (info)"))
    if export:
        rows += targets.export_rows(export)
    if pdf:
        rows += targets.pdf_rows(pdf)
    return rows + stages.failed


def _terminate(signum: int, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # unwinds through every cleanup block


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    settings = Settings.from_env()
    workdir = Path(tempfile.mkdtemp(prefix="dn-bench-"))
    started = time.monotonic()
    log(f"work dir {workdir}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; gunicorn --workers "
        f"{settings.workers} --threads {settings.threads}; {settings.clients} clients")
    stages = Stages()
    try:
        rows = run(settings, workdir, stages)
    except BaseException:  # the harness broke (or was interrupted): say where, clean up, fail
        traceback.print_exc()
        return 1
    finally:
        if settings.keep_dir:
            log(f"kept {workdir} (BENCH_KEEP_DIR)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(rows))
    print()
    print(summary(rows))
    print(settings.describe())
    log(f"done in {time.monotonic() - started:.0f} s, load average {os.getloadavg()[0]:.1f}. "
        "Figures, not tests: missed targets do not fail the run.")
    return 1 if stages.failed else 0


if __name__ == "__main__":
    sys.exit(main())
