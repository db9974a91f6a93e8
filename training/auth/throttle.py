"""Login attempts counted in a store every server process shares, so limits hold exactly.

Each attempt increments two fixed-window counters: one for the account (the email typed) and
one for the client address. The database store does it with one atomic upsert that returns the
new count (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``), committed on its own connection
at once: three gunicorn workers, or three machines, see the same numbers. When the rate-limit
store is Redis or Memcached (``RATELIMIT_STORAGE_URI``), the ``limits`` library's atomic
counters there are used instead (``LOGIN_THROTTLE_STORE`` = ``database`` or ``limiter``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from training.auth.models import LoginCounter
from training.database import utcnow
from training.extensions import db

_limiters: dict[str, FixedWindowRateLimiter] = {}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    #: seconds until the window ends
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def store_name() -> str:
    configured = current_app.config.get("LOGIN_THROTTLE_STORE")
    if configured:
        return configured
    shared = current_app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "rediss", "memcached"))
    return "limiter" if shared else "database"


def hit(key: str, limit: str) -> Verdict:
    """Count one attempt for ``key`` against ``limit`` ("5 per minute") and say if it may proceed."""
    item = parse(limit)
    if store_name() == "limiter":
        return _hit_limiter(item, key)
    return _hit_database(item, key)


def _hit_database(item: RateLimitItem, key: str) -> Verdict:
    period = item.get_expiry()
    now = time.time()
    start = math.floor(now / period) * period
    window_start = datetime.fromtimestamp(start, UTC).replace(tzinfo=None)
    engine = db.engine
    insert = sqlite_insert if engine.dialect.name == "sqlite" else postgresql_insert
    statement = (
        insert(LoginCounter).values(key=key[:300], window_start=window_start, count=1)
        .on_conflict_do_update(index_elements=["key", "window_start"], set_={"count": LoginCounter.count + 1})
        .returning(LoginCounter.count)
    )
    with engine.begin() as connection:  # its own transaction: counted even if the login fails later
        count = connection.execute(statement).scalar_one()
    retry_after = max(1, math.ceil(start + period - now))
    return Verdict(count <= item.amount, count, item.amount, retry_after)


def _hit_limiter(item: RateLimitItem, key: str) -> Verdict:
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    limiter = _limiters.get(uri)
    if limiter is None:
        limiter = _limiters[uri] = FixedWindowRateLimiter(storage_from_string(uri))
    allowed = limiter.hit(item, "login", key)
    stats = limiter.get_window_stats(item, "login", key)
    count = item.amount - stats.remaining if allowed else item.amount + 1
    return Verdict(allowed, count, item.amount, max(1, math.ceil(stats.reset_time - time.time())))


def prune_login_counters() -> None:
    """Drop counters of windows that ended more than a day ago (a periodic job)."""
    db.session.execute(delete(LoginCounter).where(LoginCounter.window_start < utcnow() - timedelta(days=1)))
