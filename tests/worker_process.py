"""Runs the real job worker (``flask jobs worker``) in its own process for a test."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from training.notifications.jobs import EXTENSION, JobRunner

ROOT = Path(__file__).resolve().parent.parent
APP_MODULE = '''
import json, os
from config import TestingConfig
from training import create_app
app = create_app(TestingConfig, **json.loads(os.environ["TEST_APP_OVERRIDES"]))
'''


class WorkerProcess:
    def __init__(self, tmp_path: Path, overrides: dict):
        self.tmp_path = tmp_path
        self.overrides = overrides
        self.process: subprocess.Popen | None = None
        self.log = tmp_path / "worker.log"
        (tmp_path / "worker_app.py").write_text(APP_MODULE)

    def start(self) -> None:
        env = {**os.environ, "TEST_APP_OVERRIDES": json.dumps(self.overrides),
               "PYTHONPATH": os.pathsep.join([str(self.tmp_path), str(ROOT)])}
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "worker_app", "jobs", "worker", "--workers", "1"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no chance to finish or clean up, as when a machine dies."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(app, database_url, tmp_path, smtp_server):
    """A worker process sharing the test's database, SQLite job queue and SMTP server."""
    yield from _worker(app, database_url, tmp_path, smtp_server, f"sqlite:///{tmp_path / 'jobs.sqlite'}")


@pytest.fixture
def redis_worker(app, database_url, tmp_path, smtp_server, redis_url):
    """The same worker with its job queue on Redis, as on several machines."""
    yield from _worker(app, database_url, tmp_path, smtp_server, redis_url)


def _worker(app, database_url, tmp_path, smtp_server, jobs_url):
    overrides = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "JOBS_URL": jobs_url,
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port,
        "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 10, "MAIL_DEFAULT_SENDER": "ce@dn-training.example",
        "MAIL_RETRY_BASE_SECONDS": 0.5, "MAIL_RETRY_MAX_SECONDS": 1, "MAIL_CLAIM_SECONDS": 3,
    }
    app.config.update(overrides)
    app.extensions[EXTENSION] = JobRunner(app)  # the test's commits wake this worker's queue
    process = WorkerProcess(tmp_path, overrides)
    yield process
    process.stop()

