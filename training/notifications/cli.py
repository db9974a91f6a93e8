"""``flask jobs worker`` runs the background jobs; ``flask mail ...`` looks after the outbox."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from training.extensions import db
from training.notifications.jobs import runner
from training.notifications.models import OutboxMessage
from training.notifications.sender import retry_failed, send_due_messages

jobs_cli = AppGroup("jobs", help="Background jobs.")
mail_cli = AppGroup("mail", help="The mail outbox.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running jobs.")
def worker_command(workers: int) -> None:
    """Run queued and periodic jobs until interrupted (Ctrl-C finishes the running ones)."""
    logging.basicConfig(level=logging.INFO, format="[jobs] %(asctime)s %(levelname)s %(name)s: %(message)s")
    job_runner = runner()
    click.echo(f"Job worker on {current_app.config['JOBS_URL']}, mail via {current_app.config['MAIL_BACKEND']}")
    job_runner.huey.create_consumer(workers=workers, periodic=True, check_worker_health=True).run()


@mail_cli.command("send-pending")
def send_pending_command() -> None:
    """Send every due message now, without a worker."""
    retries = send_due_messages(limit=1000)
    click.echo(f"Done; {len(retries)} message(s) failed and will be retried.")


@mail_cli.command("retry-failed")
def retry_failed_command() -> None:
    """Queue again the messages that ran out of attempts."""
    click.echo(f"{retry_failed()} message(s) queued again.")


@mail_cli.command("status")
def status_command() -> None:
    """How many messages are pending, sent and failed."""
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    for status, count in sorted(rows):
        click.echo(f"{status}: {count}")
