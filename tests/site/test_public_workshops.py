"""The public course page shows, to anyone logged out, the upcoming workshops in venue time with
the seats left and what to pass first, and the boards that approve the course."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from markupsafe import escape

from modules.approvals import CourseApproval
from tests.factories import enrol, make_lab_course, make_workshop
from training.extensions import db
from training.practical.seats import register
from training.practical.venue_time import to_local


def book(make_user, course, workshop, n: int) -> None:
    for _ in range(n):
        trainee = make_user("trainee")
        enrol(trainee, course)
        register(trainee, workshop.id)
    db.session.commit()


def test_logged_out_visitors_see_upcoming_workshops_in_venue_time_with_seats_left(client, make_user):
    course = make_lab_course()
    instructor = make_user("instructor")
    denver = make_workshop(course, [instructor], capacity=3, tz="America/Denver", title="Denver lab", days_ahead=20)
    full = make_workshop(course, [instructor], capacity=1, title="Austin lab", days_ahead=40)
    book(make_user, course, denver, 1)
    book(make_user, course, full, 2)
    full.required_module_ids = [course.modules[0].id]  # asked for after these bookings
    past = make_workshop(course, [instructor], title="Last month's lab", days_ahead=50)
    past.starts_at, past.ends_at = past.starts_at - timedelta(days=70), past.ends_at - timedelta(days=70)
    db.session.commit()

    response = client.get(f"/catalogue/{course.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Workshops" in html and "Last month" not in html
    assert html.index("Denver lab") < html.index("Austin lab")  # soonest first
    local = to_local(denver.starts_at, "America/Denver")
    assert f"{local:%a %-d %b %Y, %H:%M} {local.tzname()}" in html and local.hour == 8  # as entered at the venue
    assert "(venue time, America/Denver)" in html and str(escape(denver.venue)) in html
    assert "2 of 3 seats left" in html
    assert "<strong>Full</strong>: new bookings join the waitlist (1 waiting)" in html
    assert f"to book, pass first: Module 1: {course.modules[0].title}</p>" in html
    assert "Seats are booked from the course once you have registered" in html


def test_a_course_with_a_practical_and_no_workshop_says_so(client):
    course = make_lab_course()
    html = client.get(f"/catalogue/{course.slug}").get_data(as_text=True)
    assert "No workshop is scheduled yet" in html


def test_the_boards_approving_the_course_are_listed(client):
    course = make_lab_course()
    today = date.today()
    db.session.add_all([
        CourseApproval(course_id=course.id, board="Texas Board of Physical Therapy Examiners", jurisdiction="TX",
                       approval_number="TX-2026-88", hours_approved=Decimal("27"), valid_from=today - timedelta(days=5),
                       valid_to=today + timedelta(days=300)),
        CourseApproval(course_id=course.id, board="Expired Board", jurisdiction="FL", approval_number="OLD-1",
                       hours_approved=Decimal("10"), valid_from=today - timedelta(days=400),
                       valid_to=today - timedelta(days=30)),
    ])
    db.session.commit()
    html = client.get(f"/catalogue/{course.slug}").get_data(as_text=True)
    assert "Texas Board of Physical Therapy Examiners (TX): 27.0 hours, approval TX-2026-88" in html
    assert "Expired Board" not in html


def test_the_page_costs_the_same_statements_with_more_workshops(client, make_user, count_queries):
    instructor = make_user("instructor")
    few, many = make_lab_course(), make_lab_course()
    make_workshop(few, [instructor], days_ahead=10)
    for days in range(11, 17):
        workshop = make_workshop(many, [instructor, make_user("instructor")], days_ahead=days)
        book(make_user, many, workshop, 1)
    slugs = [few.slug, many.slug]
    db.session.expunge_all()  # measure the page, not what the test's session still holds
    counts = []
    for slug in slugs:
        with count_queries() as statements:
            html = client.get(f"/catalogue/{slug}").get_data(as_text=True)
        counts.append(len(statements))
    assert html.count('class="card mb-2 public-workshop"') == 6
    assert counts[0] == counts[1], counts
