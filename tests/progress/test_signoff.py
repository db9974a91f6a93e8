"""Practical sign-offs: only instructors, only enrolled trainees, sane hours; bad input writes
nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.progress.factories import CHECKLIST, certificates_of, finish_online, make_course
from training.audit.models import AuditEntry
from training.extensions import db
from training.progress.models import SignOff
from training.progress.services import SignOffError, record_signoff

GOOD = {"evaluated_on": "2026-01-10", "hours": "27", "outcome": "pass",
        "skills": ["0", "1", "2"], "notes": "Confident, safe technique."}


def url(course, user) -> str:
    return f"/cohorts/{course.id}/trainees/{user.id}/signoff"


def written() -> tuple[int, int]:
    """(sign-offs, audit entries): both must stay put when input is refused."""
    return (db.session.scalar(select(func.count(SignOff.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def test_the_form_shows_the_trainees_progress_and_the_checklist(client, login, trainee,
                                                                instructor, course):
    login(instructor, on=client)
    response = client.get(url(course, trainee))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dana Whitfield" in page and "Module 1 topic" in page and "0 / 3" in page
    for skill in CHECKLIST:
        assert skill in page
    assert "27.0 in-person hours" in page


def test_an_instructor_records_a_pass_and_the_certificate_follows(client, login, trainee,
                                                                  instructor, course):
    finish_online(trainee, course)
    login(instructor, on=client)
    response = client.post(url(course, trainee), data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cohorts/{course.id}")
    signoff = db.session.scalar(select(SignOff))
    assert (signoff.outcome, signoff.hours, signoff.instructor_name) == ("pass", 27, "Ravi Menon")
    assert signoff.checklist == {skill: True for skill in CHECKLIST}
    assert signoff.evaluated_on == date(2026, 1, 10)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signoff.recorded"))
    assert entry.actor == instructor.email and entry.details["outcome"] == "pass"
    [certificate] = certificates_of(trainee)
    issued = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.issued"))
    assert issued.actor == instructor.email
    assert issued.seq > entry.seq


def test_not_yet_with_some_skills_is_recorded(client, login, trainee, instructor, course):
    login(instructor, on=client)
    data = {**GOOD, "outcome": "not_yet", "skills": ["0"], "hours": "12"}
    assert client.post(url(course, trainee), data=data).status_code == 302
    signoff = db.session.scalar(select(SignOff))
    assert signoff.checklist == {CHECKLIST[0]: True, CHECKLIST[1]: False, CHECKLIST[2]: False}
    assert certificates_of(trainee) == []


@pytest.mark.parametrize(("change", "message"), [
    ({"hours": "-1"}, "Number must be between 0"),
    ({"hours": "1000"}, "Number must be between 0"),
    ({"hours": "150"}, "Hours must be between 0 and 100"),
    ({"hours": "12"}, "at least the course"),
    ({"hours": "27.555"}, "two decimals"),
    ({"hours": "lots"}, "Not a valid decimal"),
    ({"hours": "sNaN"}, "ordinary number"),
    ({"hours": "Infinity"}, "ordinary number"),
    ({"hours": ""}, "Enter the in-person hours"),
    ({"skills": ["0", "1"]}, "not checked: Safe patient positioning"),
    ({"skills": ["0", "7"]}, "valid choice"),
    ({"outcome": "maybe"}, "Not a valid choice"),
    ({"evaluated_on": (date.today() + timedelta(days=5)).isoformat()}, "in the future"),
    ({"evaluated_on": "10/01/2026"}, "valid date"),
    ({"notes": "x" * 2001}, "2000"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_written(client, login, trainee,
                                                                 instructor, course, change,
                                                                 message):
    login(instructor, on=client)
    before = written()
    response = client.post(url(course, trainee), data={**GOOD, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert written() == before


def test_a_trainee_not_enrolled_cannot_be_signed_off(client, login, make_user, instructor,
                                                     course):
    outsider = make_user("trainee", name="Olu Outsider")
    login(instructor, on=client)
    before = written()
    response = client.post(url(course, outsider), data=GOOD)
    assert response.status_code == 404
    assert "Olu Outsider is not enrolled" in response.get_data(as_text=True)
    assert written() == before
    with pytest.raises(SignOffError, match="not enrolled"):
        record_signoff(instructor=instructor, trainee=outsider, course=course,
                       evaluated_on=date(2026, 1, 10), hours=27, skills=CHECKLIST, outcome="pass")


@pytest.mark.parametrize("role", ["trainee", "auditor", "admin"])
def test_only_instructors_sign_off(client, login, make_user, trainee, course, role):
    login(make_user(role) if role != "trainee" else trainee, on=client)
    before = written()
    assert client.post(url(course, trainee), data=GOOD).status_code == 403
    assert written() == before


def test_the_service_refuses_non_instructors_and_self_signoff(make_user, trainee, course):
    for actor, message in ((trainee, "Only instructors"), (make_user("admin"), "Only instructors"),
                           (None, "Only instructors")):
        with pytest.raises(SignOffError, match=message):
            record_signoff(instructor=actor, trainee=trainee, course=course,
                           evaluated_on=date(2026, 1, 10), hours=27, skills=CHECKLIST,
                           outcome="pass")
    assert written() == (0, 0)


def test_an_instructor_who_is_also_the_trainee_cannot_sign_off_themself(client, login, make_user,
                                                                        course):
    from tests.progress.factories import enrol

    both = make_user("trainee", "instructor")
    enrol(both, course)
    login(both, on=client)
    response = client.post(url(course, both), data=GOOD)
    assert response.status_code == 400
    assert "cannot sign off your own" in response.get_data(as_text=True)
    assert written() == (0, 0)


def test_a_course_without_a_practical_takes_no_signoff(client, login, make_user, instructor):
    from tests.progress.factories import enrol

    course = make_course(requires_signoff=False)
    trainee = make_user("trainee")
    enrol(trainee, course)
    login(instructor, on=client)
    assert b"has no practical sign-off" in client.get(url(course, trainee)).data
    response = client.post(url(course, trainee), data=GOOD)
    assert response.status_code == 400 and b"has no practical sign-off" in response.data
    assert written() == (0, 0)


def test_the_form_needs_its_csrf_token(csrf_app, login, trainee, instructor, course):
    client = csrf_app.test_client()
    login(instructor, on=client)
    assert client.post(url(course, trainee), data=GOOD).status_code == 400
    assert written() == (0, 0)


def test_the_outcome_starts_unset_and_must_be_chosen(client, login, trainee, instructor, course):
    login(instructor, on=client)
    page = client.get(url(course, trainee)).get_data(as_text=True)
    assert '<option selected value="">Choose an outcome…</option>' in page
    assert 'selected value="pass"' not in page
    before = written()
    response = client.post(url(course, trainee), data={**GOOD, "outcome": ""})
    assert response.status_code == 400
    assert "Choose the outcome of the evaluation." in response.get_data(as_text=True)
    assert written() == before
