"""Login limits hold exactly across a real gunicorn with three worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.smtp_server import free_port
from training.notifications.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
APP_MODULE = '''
import os
from config import TestingConfig
from training import create_app
app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=os.environ["THROTTLE_DB"], WTF_CSRF_ENABLED=False,
                 RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT="5 per hour", LOGIN_LIMIT_PER_ADDRESS="20 per hour",
                 RATELIMIT_STORAGE_URI=os.environ["THROTTLE_STORE"])
'''


@pytest.fixture(params=["database", "redis"])
def gunicorn(request, app, database_url, tmp_path):
    """Three workers counting in the database, or in Redis when that is the rate-limit store."""
    store = request.getfixturevalue("redis_url") if request.param == "redis" else "memory://"
    (tmp_path / "throttled_app.py").write_text(APP_MODULE)
    port = free_port()
    env = {**os.environ, "THROTTLE_DB": database_url, "THROTTLE_STORE": store,
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--threads", "2", "--bind", f"127.0.0.1:{port}",
         "throttled_app:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login", timeout=2)  # noqa: S310 - local test server
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(15)
    log.close()


def _attempt(base: str, email: str) -> int:
    data = urllib.parse.urlencode({"email": email, "password": "Wrong-Password-123"}).encode()
    try:
        with urllib.request.urlopen(base + "/login", data=data, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def _not_at_the_end_of_an_hour():
    now = datetime.now(UTC)
    if now.minute == 59 and now.second > 20:
        time.sleep(61 - now.second)


def test_limits_hold_exactly_across_three_workers(gunicorn, make_user, db):
    email = make_user().email
    _not_at_the_end_of_an_hour()
    with ThreadPoolExecutor(max_workers=12) as pool:
        account_codes = list(pool.map(lambda _: _attempt(gunicorn, email), range(12)))
    assert sorted(account_codes) == [401] * 5 + [429] * 7
    with ThreadPoolExecutor(max_workers=10) as pool:
        address_codes = list(pool.map(lambda i: _attempt(gunicorn, f"other{i}@example.org"), range(20)))
    # 12 attempts already counted for this address: 8 more get through the limit of 20
    assert sorted(address_codes) == [401] * 8 + [429] * 12
    warnings = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "login_failures")).all()
    assert [w.to_email for w in warnings] == [email]


def test_refusal_says_when_to_try_again(gunicorn, make_user):
    user = make_user()
    _not_at_the_end_of_an_hour()
    for _ in range(5):
        _attempt(gunicorn, user.email)
    data = urllib.parse.urlencode({"email": user.email, "password": "x"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(gunicorn + "/login", data=data, timeout=30)  # noqa: S310
    assert refused.value.code == 429
    assert "Try again in" in refused.value.read().decode() and int(refused.value.headers["Retry-After"]) > 0
