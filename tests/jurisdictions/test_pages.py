"""Where can I practise? Trainee pages, staff views per trainee, bad jurisdictions, fixed query counts."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import enrol, finish_online, make_course, sign_off


@pytest.fixture
def course(app):
    return make_course()


@pytest.fixture
def instructor(make_user):
    return make_user("instructor", name="Ravi Menon")


@pytest.fixture
def trainee(make_user, course, instructor, rules):
    """A Florida physical therapist with one certificate: 9.5 online + 27 in-person hours."""
    user = make_user("trainee", name="Dana Whitfield", license_state="FL", licensed_since=date(2025, 3, 1))
    enrol(user, course)
    finish_online(user, course)
    sign_off(instructor, user, course)
    return user


def test_licence_state_first_then_every_state(client, login, trainee):
    login(trainee)
    page = client.get("/practise").get_data(as_text=True)
    assert page.index("Your licence state: Florida") < page.index("All states")
    assert "licensed 2 years on 2027-03-01" in page
    assert "Not permitted" in page and "Unknown" in page  # California, Texas


def test_detail_says_exactly_what_is_missing(client, login, trainee):
    login(trainee)
    page = client.get("/practise/GA").get_data(as_text=True)
    assert "23 more in-person hours" in page
    assert "Version 1, in effect from 2026-01-01" in page
    arizona = client.get("/practise/AZ").get_data(as_text=True)
    assert "Your records meet every requirement of this rule." in arizona


def test_choosing_a_state_by_name_redirects_and_unknown_is_404(client, login, trainee):
    login(trainee)
    response = client.get("/practise?state=georgia")
    assert response.status_code == 302 and response.headers["Location"].endswith("/practise/GA")
    assert client.get("/practise?state=Narnia").status_code == 404
    assert client.get("/practise/ZZ").status_code == 404
    assert client.get("/practise/Florida").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("instructor", 200), ("auditor", 200), ("trainee", 403), ("admin", 403)])
def test_staff_see_a_trainee(client, login, make_user, trainee, role, status):
    login(make_user(role))
    assert client.get(f"/practise/trainees/{trainee.id}/GA").status_code == status
    response = client.get(f"/practise/trainees/{trainee.id}")
    assert response.status_code == status
    if status == 200:
        assert "Where may Dana Whitfield practise?" in response.get_data(as_text=True)


def test_staff_view_of_a_non_trainee_is_404(client, login, make_user, instructor, rules):
    login(make_user("auditor"))
    assert client.get(f"/practise/trainees/{instructor.id}").status_code == 404


def test_overview_queries_do_not_grow_with_certificates(client, login, make_user, instructor, rules, count_queries):
    few = make_user("trainee", license_state="FL")
    many = make_user("trainee", license_state="FL")
    for user, n in ((few, 1), (many, 3)):
        for _ in range(n):
            course = make_course()
            enrol(user, course)
            finish_online(user, course)
            sign_off(instructor, user, course)
    sizes = []
    for user in (few, many):
        login(user)
        with count_queries() as statements:
            assert client.get("/practise").status_code == 200
        sizes.append(len(statements))
    assert sizes[0] == sizes[1]


def test_profile_records_the_licensure_date_audited(client, login, make_user):
    from sqlalchemy import select

    from training.audit.models import AuditEntry
    from training.extensions import db

    user = make_user("trainee")
    login(user)
    form = {"name": user.name, "profession": "physical_therapist", "license_number": user.license_number,
            "license_state": "FL", "licensed_since": "2024-05-02"}
    assert client.post("/account", data=form).status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.profile_changed"))
    changes = dict(entry.details["changes"])
    assert changes.pop("names_confirmed_at")["old"] is None  # the first save confirms the name parts
    assert changes == {"license_state": {"old": "TX", "new": "FL"},
                       "licensed_since": {"old": None, "new": "2024-05-02"}}
    future = client.post("/account", data=dict(form, licensed_since="2999-01-01"))
    assert future.status_code == 400 and "Enter a date in the past" in future.get_data(as_text=True)
