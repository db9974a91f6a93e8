"""Two app instances (gunicorn, production settings) on one PostgreSQL and one Redis.

What the README's deployment section describes, run for real: each instance is its own
gunicorn master with two workers on its own port, as two machines behind a load balancer would
be; they share the database, the Redis store for rate limits and jobs, the secret key and the
certificate signing key. Login limits and the API rate limit must hold across both, racing
course completions on both must issue exactly one certificate per trainee, and the audit chain
must stay intact.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from tests.factories import enrol, make_course
from tests.smtp_server import free_port
from training import create_app
from training.audit.services import verify_stored_chain
from training.auth.models import User, UserRole
from training.auth.passwords import hash_password
from training.certificates.keys import signing_key
from training.certificates.models import Certificate
from training.extensions import db
from training.records.tokens import create_token

pytestmark = pytest.mark.multi_instance

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "deploy-Lantern-Quartz-58"
TRAINEES = 50
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Browser:
    """One visitor: a cookie jar shared across both instances (as behind a load balancer)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        parsed = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.read().decode()
        finally:
            conn.close()

    def csrf(self, base: str, path: str) -> str:
        status, body = self.request(base, "GET", path)
        assert status == 200, (path, status)
        return _CSRF.search(body).group(1)

    def log_in(self, base: str, email: str, password: str = PASSWORD) -> int:
        token = self.csrf(base, "/login")
        return self.request(base, "POST", "/login", {"csrf_token": token, "email": email, "password": password})[0]


@pytest.fixture(scope="module")
def shared_database() -> str:
    """A database of its own on the suite's PostgreSQL server, built by the real migrations."""
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{server.database}_instances"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def redis_store(tmp_path_factory):
    """One throw-away redis-server on a free port for both instances."""
    import redis

    binary = shutil.which("redis-server")
    assert binary, "redis-server is installed by .ci/system-deps"
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client, deadline = redis.Redis(host="127.0.0.1", port=port), time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def deployment(shared_database, redis_store, tmp_path_factory):
    """The environment of the README's deployment section, and the data the test needs."""
    workdir = tmp_path_factory.mktemp("deployment")
    env = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": shared_database,
        "SECRET_KEY": "a3f9c1e07b5d4e2a9c8b7f6e5d4c3b2a1f0e9d8c",
        "PUBLIC_BASE_URL": "https://ce.example.org",
        "RATELIMIT_STORAGE_URI": redis_store,
        "JOBS_URL": redis_store,
        "CERT_SIGNING_KEY_PATH": str(workdir / "signing-key.pem"),
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(workdir / "mail"),
        "INSTANCE_PATH": str(workdir),
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per hour",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per hour",
        "API_RATE_LIMIT": "10 per hour",
    }
    env.pop("CERT_SIGNING_KEY_PEM", None)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=shared_database,
                     CERT_SIGNING_KEY_PATH=env["CERT_SIGNING_KEY_PATH"])
    with app.app_context():
        signing_key()  # one key file, made before either instance starts
        password_hash = hash_password(PASSWORD)

        def person(email: str, role: str) -> User:
            user = User(email=email, name=f"Deploy {role.title()} {email.split('@')[0]}", given_names="Deploy",
                        family_name=email.split("@")[0], password_hash=password_hash,
                        profession="physical_therapist", license_number="PT-1", license_state="TX",
                        email_verified_at=datetime(2026, 1, 5, 9, 0))
            user.role_rows = [UserRole(role=role)]
            db.session.add(user)
            return user

        course = make_course(modules=1, lessons=2, quizzes=False, requires_signoff=False)
        lesson_ids = [lesson.id for lesson in course.modules[0].lessons]
        trainees = [person(f"trainee{n:02d}@example.org", "trainee") for n in range(TRAINEES)]
        auditor = person("auditor@example.org", "auditor")
        person("guessed@example.org", "trainee")  # the account someone guesses passwords for
        db.session.commit()
        for trainee in trainees:
            enrol(trainee, course)
        _, api_token = create_token(auditor, "deployment test")
        db.session.commit()
        data = {"slug": course.slug, "course_id": course.id, "lessons": lesson_ids, "token": api_token,
                "trainees": [t.email for t in trainees]}
        db.engine.dispose()
    return env, data


@pytest.fixture(scope="module")
def instances(deployment, tmp_path_factory):
    """Two gunicorn masters, 2 workers x 2 threads each, on two ports."""
    env, _ = deployment
    logs = tmp_path_factory.mktemp("gunicorn")
    processes, bases = [], []
    for n in range(2):
        port = free_port()
        log = (logs / f"instance-{n}.log").open("w")
        processes.append((subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}",
             "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser().request(base, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (logs / "instance-0.log").read_text()[-3000:]
            time.sleep(0.2)
    yield bases
    for process, log in processes:
        process.terminate()
        process.wait(30)
        log.close()


def _not_at_the_end_of_an_hour():
    now = datetime.now(UTC)
    if now.minute == 59 and now.second > 30:
        time.sleep(61 - now.second)


def test_login_limit_holds_across_instances(instances):
    _not_at_the_end_of_an_hour()
    email = "guessed@example.org"

    def wrong(n: int) -> int:
        return Browser().log_in(instances[n % 2], email, "Wrong-Password-123")

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(wrong, range(12)))
    assert sorted(codes) == [401] * 5 + [429] * 7  # 5 per hour in total, not 5 per instance


def test_api_rate_limit_holds_across_instances(instances, deployment):
    _, data = deployment
    _not_at_the_end_of_an_hour()
    headers = {"Authorization": f"Bearer {data['token']}"}

    def call(n: int) -> int:
        return Browser().request(instances[n % 2], "GET", "/api/v1/certificates", headers=headers)[0]

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(call, range(16)))
    assert sorted(codes) == [200] * 10 + [429] * 6  # 10 per hour for the token, across both


def test_racing_completions_issue_one_certificate_each(instances, deployment, shared_database):
    env, data = deployment
    first, last = data["lessons"]
    prepared = []
    for n, email in enumerate(data["trainees"]):
        browser = Browser()
        base = instances[n % 2]
        assert browser.log_in(base, email) == 302
        token = browser.csrf(base, f"/courses/{data['slug']}/lessons/{first}")
        assert browser.request(base, "POST", f"/courses/{data['slug']}/lessons/{first}/complete",
                               {"csrf_token": token})[0] == 302
        prepared.append((browser, token))
    # the last lesson of each trainee, posted to both instances at once: 100 racing requests
    posts = [(browser, base, token) for browser, token in prepared for base in instances]
    with ThreadPoolExecutor(len(posts)) as pool:
        codes = list(pool.map(lambda p: p[0].request(p[1], "POST", f"/courses/{data['slug']}/lessons/{last}/complete",
                                                     {"csrf_token": p[2]})[0], posts))
    assert codes == [302] * len(posts)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=shared_database)
    with app.app_context():
        per_trainee = db.session.execute(
            select(Certificate.user_id, func.count()).where(Certificate.course_id == data["course_id"])
            .group_by(Certificate.user_id)
        ).all()
        assert len(per_trainee) == TRAINEES
        assert {count for _, count in per_trainee} == {1}
        assert verify_stored_chain() is None  # every instance appended to one intact chain
        db.engine.dispose()
