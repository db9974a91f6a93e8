"""The one job runner: Huey, on a SQLite file by default and on Redis when JOBS_URL says so.

``JOBS_URL`` is ``sqlite:///path`` (the default, ``instance/jobs.sqlite``: one machine, no
server), ``redis://host:port/db`` (several machines share the queue) or ``memory://`` (tests
that run no worker). The same tasks run on either; ``flask jobs worker`` runs them.

Any feature adds scheduled work with::

    from training.notifications.jobs import register_periodic_job
    register_periodic_job(app, "close-expired-attempts", close_expired_attempts, every=timedelta(minutes=5))

``func`` is called with no arguments inside an app context and should commit its own work.
The worker's scheduler wakes once a minute (so ``every`` below a minute means every minute);
the start of each run is claimed in the ``job_runs`` table, so several workers on several
machines still run each job once per interval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from training.database import utcnow
from training.extensions import db
from training.notifications.models import JobRun
from training.notifications.sender import send_due_messages
from training.notifications.services import QUEUED_FLAG

log = logging.getLogger(__name__)
EXTENSION = "training.jobs"


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], None]
    every: timedelta


def make_huey(url: str):
    """The Huey instance for ``url`` (sqlite:///, redis://, rediss:// or memory://)."""
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return MemoryHuey("training", results=False)
    if scheme in {"redis", "rediss"}:
        return RedisHuey("training", results=False, url=url)
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        return SqliteHuey("training", results=False, filename=path)
    raise RuntimeError(f"JOBS_URL must start with sqlite:///, redis:// or memory://, not {url!r}")


class JobRunner:
    """Binds the Huey tasks to one app: each task runs inside that app's context."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = make_huey(app.config["JOBS_URL"])
        self.periodic: dict[str, PeriodicJob] = {}
        self.send_mail = self.huey.task(name="send_mail")(self._in_app(self._send_mail))
        self.tick = self.huey.periodic_task(crontab(), name="tick")(self._in_app(self.run_due_jobs))
        self.huey.on_startup("catch_up")(self._in_app(self._send_mail))

    def _in_app(self, func):
        def run(*args, **kwargs):
            with self.app.app_context():
                try:
                    return func(*args, **kwargs)
                finally:
                    db.session.remove()

        run.__name__ = func.__name__
        return run

    def _send_mail(self) -> None:
        retries = send_due_messages()
        if retries:
            self.send_mail.schedule(delay=min(retries))

    def wake_sender(self) -> None:
        """Ask a worker to send now; when the queue cannot be reached the minute sweep will."""
        try:
            self.send_mail()
        except Exception:  # noqa: BLE001 - the message is safe in the outbox either way
            log.exception("could not reach the job queue; the outbox sweep will send the mail")

    def run_due_jobs(self) -> None:
        """Send the outbox (catches anything a lost wake-up missed), then each due periodic job."""
        self._send_mail()
        for job in list(self.periodic.values()):
            if claim_run(job):
                run_job(job)


def claim_run(job: PeriodicJob) -> bool:
    """Record the start of ``job`` unless it ran less than ``every`` ago; True for the one winner."""
    now = utcnow()
    if db.session.get(JobRun, job.name) is None:
        db.session.add(JobRun(name=job.name))
        try:
            db.session.commit()
        except Exception:  # noqa: BLE001 - another worker created it first
            db.session.rollback()
    # half a minute of slack: the scheduler's ticks are a minute apart, not exactly `every`
    due_before = now - job.every + timedelta(seconds=30)
    won = db.session.execute(
        update(JobRun).where(JobRun.name == job.name,
                             or_(JobRun.last_started_at.is_(None), JobRun.last_started_at <= due_before))
        .values(last_started_at=now)
    ).rowcount
    db.session.commit()
    return won == 1


def run_job(job: PeriodicJob) -> None:
    error = None
    try:
        job.func()
        db.session.commit()
    except Exception as err:  # noqa: BLE001 - one failing job must not stop the others
        db.session.rollback()
        log.exception("periodic job %s failed", job.name)
        error = f"{type(err).__name__}: {err}"[:500]
    db.session.execute(update(JobRun).where(JobRun.name == job.name)
                       .values(last_finished_at=utcnow(), last_error=error))
    db.session.commit()


def runner(app: Flask | None = None) -> JobRunner:
    return (app or current_app).extensions[EXTENSION]


def register_periodic_job(app: Flask, name: str, func: Callable[[], None], *, every: timedelta) -> None:
    """Run ``func()`` every ``every`` (at least a minute) on one worker; see the module docstring."""
    runner(app).periodic[name] = PeriodicJob(name, func, every)


def job_state() -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).order_by(JobRun.name)))


def _wake_after_commit(session: Session) -> None:
    if session.info.pop(QUEUED_FLAG, False):
        runner().wake_sender()


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(QUEUED_FLAG, None)


def init_jobs(app: Flask) -> None:
    """Create the app's job runner and wake the sender whenever a commit queued mail."""
    app.extensions[EXTENSION] = JobRunner(app)
    if not event.contains(Session, "after_commit", _wake_after_commit):
        event.listen(Session, "after_commit", _wake_after_commit)
        event.listen(Session, "after_rollback", _forget_after_rollback)
