"""``python -m bench`` (``make bench``): measure the platform and print figures next to targets.

Order matters on a 2-core machine shared by load generator and server: one server under load at
a time; the yardstick measured before, between and after the app scenarios, so that each ratio
compares figures taken within seconds of each other; the read-only page scenarios before the
quiz flow (which adds attempts that the course page would then have to read); the in-process
scenarios last. Every temp dir and process is cleaned up on the way out, even on failure or
Ctrl-C. Exit status: 0 whenever the figures were produced, targets met or not; 1 when a scenario
could not run or the harness itself broke.
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
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from bench import databases, dataset, pages, proc, quiz_flow, server, targets, yardstick
from bench.client import Connection, login
from bench.report import Row, summary, table
from bench.settings import TRAINEE_PASSWORD, Settings

T = TypeVar("T")
LOGIN_THREADS = 4  # logins are argon2-bound: a few at a time, with headroom for the server


def log(message: str) -> None:
    """Progress on stdout, timestamped, flushed: a run lasts minutes and should not look hung."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def app_env(workdir: Path, database_url: str | None = None) -> dict[str, str]:
    """The ``make run`` environment pointed at a throw-away instance dir and database (SQLite
    there unless ``database_url`` names another)."""
    instance = workdir / "instance"
    instance.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "CERT_SIGNING_KEY_PEM"}
    env.update({
        "APP_ENV": "development",
        "FLASK_APP": "wsgi",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url or f"sqlite:///{instance / 'training.sqlite'}",
        "CERT_SIGNING_KEY_PATH": str(instance / "certificate_signing_key.pem"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # the simulated trainees all log in from 127.0.0.1: the per-address limit stays on
        # (the code path is measured) but high enough for them; per account stays as configured
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


@contextmanager
def yardstick_server(settings: Settings, workdir: Path) -> Iterator[server.Server]:
    """The yardstick under the same gunicorn settings as the app, up for the whole app phase so
    that it can be measured right before and after each scenario (idle, it costs no CPU)."""
    db_path = workdir / "yardstick.sqlite"
    yardstick.prepare(db_path)
    env = {**os.environ, "YARDSTICK_DB": str(db_path)}
    with server.serve("bench.yardstick:create_app()", env, workdir, name="yardstick",
                      workers=settings.workers, threads=settings.threads) as yard:
        pages.check_page(yard.base_url, "/", "", "Dry needling course 20")
        yield yard


def login_all(base_url: str, data: dataset.Dataset) -> list[dict]:
    """Log every trainee in once through the real form; their cookies serve every scenario."""
    landing = f"/courses/{data.course_slug}"

    def one(email: str) -> dict:
        """One trainee, one connection: cookies and the CSRF token for later forms."""
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


def run_open_loop(base_url: str, data: dataset.Dataset, accounts: list[dict], settings: Settings, workdir: Path,
                  rate: float) -> dict:
    """The quiz flow at a fixed arrival rate (bench/open_loop.py), in its own process."""
    plan = {"base_url": base_url, "quiz_id": data.quiz_id, "accounts": accounts, "answer_key": data.answer_key,
            "procs": settings.flow_procs, "rate": rate, "warmup": settings.flow_warmup,
            "duration": settings.flow_duration}
    plan_file = workdir / "open-plan.json"
    plan_file.write_text(json.dumps(plan))
    return proc.python_json("bench.open_loop", [str(plan_file)],
                            timeout=settings.flow_warmup + settings.flow_duration + 300)


def measure_app(settings: Settings, tool: pages.LoadTool, workdir: Path, yard: Callable[[], dict],
                database: str) -> dict:
    """Seed, serve the app, log the trainees in, run the page scenarios and the quiz flow (closed
    loop, then open loop), with the yardstick (``yard()``) measured between them: each ratio uses
    the yardstick runs on either side of its scenario, so a neighbour's load hits both alike."""
    workdir.mkdir(exist_ok=True)
    env = app_env(workdir, databases.url_for(database, str(workdir / "instance")))
    log(f"[{database}] database {env['DATABASE_URL']}")
    log(f"seeding a throw-away database with {settings.trainees} trainees ...")
    data = dataset.build(env, settings.trainees)
    with server.serve("wsgi:app", env, workdir, name="app", workers=settings.workers,
                      threads=settings.threads) as app:
        log(f"app on {app.base_url}; logging {len(data.emails)} trainees in through /login ...")
        accounts = login_all(app.base_url, data)
        cookies = ["; ".join(f"{k}={v}" for k, v in a["cookies"].items()) for a in accounts]
        lesson = f"/courses/{data.course_slug}/lessons/{data.lesson_id}"
        course = f"/courses/{data.course_slug}"
        pages.check_page(app.base_url, lesson, cookies[0], "Completed")
        pages.check_page(app.base_url, course, cookies[0], "Course progress")
        yards = [yard()]
        log(f"lesson page {lesson} ...")
        lesson_figures = pages.measure(app.base_url, lesson, cookies, settings, tool, workdir, app.cpu_seconds)
        app.check_alive("the lesson page scenario")
        log(f"lesson page: {lesson_figures['rps']:.0f} req/s")
        yards.append(yard())
        log(f"course page {course} ...")
        course_figures = pages.measure(app.base_url, course, cookies, settings, tool, workdir, app.cpu_seconds)
        app.check_alive("the course page scenario")
        log(f"course page: {course_figures['rps']:.0f} req/s")
        yards.append(yard())
        log(f"quiz attempt flow: {settings.clients} clients, {settings.flow_warmup:g} s warm-up, "
            f"{settings.flow_duration:g} s window ...")
        cpu_before = app.cpu_seconds()
        flow = run_flow(app.base_url, data, accounts, settings, workdir)
        app.check_alive("the quiz flow")
        done = len(flow["completed_ids"])  # warm-up and tail included, like the CPU they used
        flow["cpu_ms"] = 1000 * (app.cpu_seconds() - cpu_before) / done if done else float("nan")
        log(f"quiz attempt flow: {flow['attempts_per_s']:.1f} attempts/s, {flow['errors']} errors")
        yards.append(yard())
        rate = targets.OPEN_LOOP_RATIO * yards[-1]["rps"]
        log(f"quiz attempt flow, open loop: {rate:.1f} arrivals/s ({targets.OPEN_LOOP_RATIO}x the yardstick) ...")
        open_flow = run_open_loop(app.base_url, data, accounts, settings, workdir, rate)
        app.check_alive("the open-loop quiz flow")
        log(f"open loop: {open_flow['attempts_per_s']:.1f} attempts/s, {open_flow['errors']} errors")
        worker_peak = app.peak_worker_rss_mb()
        yards.append(yard())
    check = quiz_flow.verify_attempts(env["DATABASE_URL"], flow["completed_ids"] + open_flow["completed_ids"],
                                      dataset.EMAIL_PATTERN)
    return {"lesson": lesson_figures, "course": course_figures, "flow": flow, "open": open_flow, "check": check,
            "worker_peak": worker_peak, "yards": yards, "database": database}


class Stages:
    """Runs each scenario on its own: one that breaks is reported (and makes the exit status 1)
    while the others still produce their figures."""

    def __init__(self) -> None:
        self.failed: list[Row] = []

    def run(self, name: str, action: Callable[[], T]) -> T | None:
        """``action()``, or None after logging why it failed."""
        try:
            return action()
        except Exception as err:  # report and go on; Ctrl-C and SIGTERM still stop the run
            traceback.print_exc()
            log(f"{name} FAILED: {type(err).__name__}: {err}")
            first_line = (str(err).splitlines() or [""])[0][:120]
            self.failed.append(Row(name, "scenario", None, "", note=f"{type(err).__name__}: {first_line}",
                                   failed=True))
            return None


def run(settings: Settings, workdir: Path, stages: Stages) -> list[Row]:
    """All scenarios, in order; returns the table rows."""
    tool = pages.choose_tool(settings)
    log(f"page load generator: {tool.name}{' (' + tool.note + ')' if tool.note else ''}")
    with yardstick_server(settings, workdir) as yard_server:

        def yard() -> dict:
            """One yardstick measurement, same tool and windows as the pages."""
            figures = pages.measure(yard_server.base_url, "/", [], settings, tool, workdir, yard_server.cpu_seconds)
            log(f"yardstick: {figures['rps']:.0f} req/s, {figures['cpu_ms']:.2f} ms server CPU per request")
            return figures

        apps = [stages.run(f"app scenarios ({name})",
                           lambda name=name: measure_app(settings, tool, workdir / name, yard, name))
                for name in databases.wanted()]
    exports = []
    for app in [a for a in apps if a]:
        name = app["database"]
        log(f"[{name}] CE export of {settings.export_rows:,} certificates (bench.export_bench) ...")
        export_dir = workdir / name / "export"
        export_dir.mkdir(parents=True)
        env = app_env(export_dir)
        if name == "postgresql":
            env["BENCH_EXPORT_DATABASE_URL"] = databases.postgresql_url()
        export = stages.run(f"CE export ({name})", lambda env=env: proc.python_json(
            "bench.export_stage", [str(settings.export_rows)], env=env, timeout=1800))
        if export and export.get("status") == "ok":
            log(f"export_bench returned keys: {', '.join(export['result'])}")
        exports.append((app, export))
    log(f"certificate PDF: {settings.pdf_renders} renders after {settings.pdf_warmup} warm-up ...")
    pdf = stages.run("certificate PDF", lambda: proc.python_json(
        "bench.pdf_bench", [str(settings.pdf_renders), str(settings.pdf_warmup)], env=app_env(workdir), timeout=600))
    rows: list[Row] = []
    all_yards = [y for app in apps if app for y in app["yards"]]
    if all_yards:
        rows += targets.yardstick_rows(all_yards, tool.note)
    for app, export in exports:
        rows += targets.app_rows(app)
        if export:
            rows += targets.export_rows(export, targets.mean_yard(app["yards"]), app["database"])
    if pdf and all_yards:
        rows += targets.pdf_rows(pdf, targets.mean_yard(all_yards))
    return rows + stages.failed


def _terminate(signum: int, _frame: object) -> None:
    """SIGTERM (CI cancelling a job) cleans up like Ctrl-C instead of orphaning servers."""
    raise KeyboardInterrupt(f"signal {signum}")  # unwinds through every cleanup block


def main() -> int:
    """Run everything in a fresh work dir, print the table; 1 only if a scenario could not run."""
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
