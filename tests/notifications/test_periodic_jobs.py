"""Periodic jobs registered by any feature run once per interval, however many workers tick."""

from __future__ import annotations

from datetime import timedelta

from training.extensions import db
from training.notifications.jobs import register_periodic_job, runner
from training.notifications.models import JobRun


def test_a_job_runs_once_per_interval_and_a_failure_is_recorded(app):
    calls = []
    register_periodic_job(app, "count", lambda: calls.append(1), every=timedelta(minutes=10))
    register_periodic_job(app, "broken", lambda: 1 / 0, every=timedelta(minutes=10))
    first, second = runner(app), runner(app)  # two workers ticking at the same minute
    first.run_due_jobs()
    second.run_due_jobs()
    assert calls == [1]
    broken = db.session.get(JobRun, "broken")
    assert "ZeroDivisionError" in broken.last_error and broken.last_finished_at is not None
    run = db.session.get(JobRun, "count")
    run.last_started_at -= timedelta(minutes=10)
    db.session.commit()
    first.run_due_jobs()
    assert calls == [1, 1]


def test_the_platform_registers_its_scheduled_work(app):
    assert {"close-expired-attempts", "prune-login-counters"} <= set(runner(app).periodic)
