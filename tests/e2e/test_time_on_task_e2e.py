"""Reading a short lesson in Chromium: time accrues while the page is open and visible, and
"Mark as complete" is enabled once the course's seat-time rule is met."""

from __future__ import annotations

import re
import time
from uuid import uuid4

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from modules.models import Enrolment, LessonCompletion, LessonTime
from tests.e2e.test_course_e2e import live_user, log_in
from tests.factories import build_course, lessons_in
from training.auth.models import User


@pytest.fixture
def quick_heartbeat(live_app):
    """Beats every 3 s instead of 15, so a lesson needing 6 s is read in seconds."""
    live_app.config["LESSON_HEARTBEAT_SECONDS"] = 3
    yield
    live_app.config.pop("LESSON_HEARTBEAT_SECONDS")


def test_time_accrues_and_the_button_enables(page, live_db, quick_heartbeat):
    # 1-minute lessons under a 10% rule: 6 seconds of active reading each
    course = build_course((2,), minutes=1, seat_time_percent=10,
                          title=f"Short Read {uuid4().hex[:6]}")
    first, second = lessons_in(course.id)
    email = live_user(live_db, "trainee", "Tess Reader")
    user_id = live_db.session.scalar(select(User.id).where(User.email == email))
    live_db.session.add(Enrolment(user_id=user_id, course_id=course.id))
    live_db.session.commit()
    lesson_url = f"/courses/{course.slug}/lessons/{first.id}"

    log_in(page, email)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    opened = time.monotonic()
    page.goto(lesson_url)
    button = page.get_by_role("button", name="Mark as complete")
    status = page.locator("#seat-time")
    expect(button).to_be_disabled()
    expect(status).to_contain_text("about 1 more minute")

    expect(button).to_be_enabled(timeout=30_000)
    expect(status).to_have_text("You have spent enough time on this lesson to mark it complete.")
    elapsed = time.monotonic() - opened
    live_db.session.expire_all()
    measured = live_db.session.scalar(select(LessonTime).where(
        LessonTime.user_id == user_id, LessonTime.lesson_id == first.id))
    assert 6 <= measured.active_seconds <= elapsed + 1  # never more than wall-clock time

    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    button.focus()  # by keyboard, as a screen-reader user would
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(f"/lessons/{second.id}") + "$"))
    live_db.session.expire_all()
    assert live_db.session.scalar(select(LessonCompletion.id).where(
        LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == first.id)) is not None
