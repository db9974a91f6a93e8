"""The lab booking journey in a real browser: join a full session's waitlist, get the seat when
someone cancels, and download the calendar file."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from icalendar import Calendar
from playwright.sync_api import expect

from modules.models import Course, Enrolment, Lesson, Module
from tests.conftest import _PASSWORD_HASH, PASSWORD
from tests.e2e.test_certificate_journey import log_in, log_out
from training.auth.models import User, UserRole
from training.practical.seats import register
from training.practical.workshops import WorkshopInput, save_workshop


def person(db, email: str, name: str, role: str) -> User:
    given, family = name.split()
    user = User(email=email, name=name, given_names=given, family_name=family, password_hash=_PASSWORD_HASH)
    user.role_rows = [UserRole(role=role)]
    db.session.add(user)
    db.session.flush()
    return user


def arrange(db, tag: str):
    """A course with one full lab session (one seat, held by Ben) that Ana can book."""
    course = Course(code=f"L-{tag}", slug=f"lab-{tag}", title=f"Dry Needling Lab {tag}", requires_signoff=True,
                    practical_hours=Decimal("16"), contact_hours=Decimal("2"), published=True,
                    provider="Northfield Institute of Manual Therapy")
    module = Module(position=1, slug="m1", title="Module 1")
    module.lessons = [Lesson(position=1, slug="l1", title="Lesson 1", minutes=30)]
    course.modules.append(module)
    db.session.add(course)
    instructor = person(db, f"ravi-{tag}@example.org", "Ravi Menon", "instructor")
    ana = person(db, f"ana-{tag}@example.org", "Ana Ribeiro", "trainee")
    ben = person(db, f"ben-{tag}@example.org", "Ben Castillo", "trainee")
    db.session.flush()
    db.session.add_all([Enrolment(user_id=ana.id, course_id=course.id), Enrolment(user_id=ben.id, course_id=course.id)])
    start = (datetime.now() + timedelta(days=21)).replace(hour=8, minute=0, second=0, microsecond=0)
    workshop = save_workshop(course, WorkshopInput(
        title=f"Weekend lab {tag}", venue=f"Lab room {tag}", address="1 Main St, Austin, TX",
        timezone="America/Chicago", starts_local=start, ends_local=start + timedelta(hours=9), capacity=1,
        ratio=8, instructor_ids=[instructor.id]), actor=instructor)
    register(ben, workshop.id)
    db.session.commit()
    return course.id, workshop.title, ana.email, ben.email


def test_waitlisted_then_promoted_then_calendar(page, browser, live_server, live_db, tmp_path):
    tag = uuid.uuid4().hex[:8]
    course_id, title, ana, ben = arrange(live_db, tag)

    log_in(page, ana, PASSWORD)
    page.goto(f"/practical/courses/{course_id}/sessions")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("0 of 1 seats free")).to_be_visible()
    page.get_by_role("button", name=f"Join the waitlist for {title}").click()
    expect(page.get_by_text("you are number 1 on the waitlist")).to_be_visible()
    expect(page.get_by_text("Waitlist: number 1")).to_be_visible()
    log_out(page)

    # Ben cannot come after all
    other = browser.new_context(base_url=live_server)
    try:
        ben_page = other.new_page()
        log_in(ben_page, ben, PASSWORD)
        ben_page.goto(f"/practical/courses/{course_id}/sessions")
        expect(ben_page.get_by_text("Seat confirmed")).to_be_visible()
        ben_page.get_by_role("button", name="Cancel my booking").click()
        expect(ben_page.get_by_text("Your booking is cancelled.")).to_be_visible()
    finally:
        other.close()

    # Ana moved up on her own, is told so, and adds the session to her calendar
    log_in(page, ana, PASSWORD)
    page.goto(f"/practical/courses/{course_id}/sessions")
    expect(page.get_by_text("Seat confirmed")).to_be_visible()
    expect(page.get_by_text("moved from the waitlist to a confirmed seat")).to_be_visible()
    page.goto("/dashboard")
    expect(page.get_by_text("Lab on")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="you moved from the waitlist")).to_be_visible()
    page.goto(f"/practical/courses/{course_id}/sessions")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "lab.ics"
    download_info.value.save_as(path)
    [event] = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"L-{tag} {title}"
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["DTSTART"].dt.tzinfo) == "America/Chicago" and event["DTSTART"].dt.hour == 8
