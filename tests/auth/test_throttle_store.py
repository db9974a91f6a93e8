"""The login counters: exact fixed windows in the database, or the rate-limit store when configured."""

from __future__ import annotations

import pytest

from training.auth import throttle


@pytest.mark.parametrize("store", ["database", "limiter"])
def test_counts_up_to_the_limit_then_refuses_with_a_wait(app, store):
    app.config.update(LOGIN_THROTTLE_STORE=store, RATELIMIT_STORAGE_URI="memory://")
    verdicts = [throttle.hit(f"account:{store}@example.org", "3 per hour") for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert 0 < verdicts[-1].retry_after <= 3600 and 1 <= verdicts[-1].minutes <= 60
    assert throttle.hit(f"account:other-{store}@example.org", "3 per hour").allowed


def test_store_follows_the_rate_limit_storage(app):
    app.config.update(LOGIN_THROTTLE_STORE="", RATELIMIT_STORAGE_URI="redis://cache:6379/0")
    assert throttle.store_name() == "limiter"
    app.config.update(RATELIMIT_STORAGE_URI="memory://")
    assert throttle.store_name() == "database"
