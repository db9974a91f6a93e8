"""Auditor pages: CE records list (filters, sorting, pages) and one trainee's full record."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from modules.models import Enrolment, Module
from quizzes.models import Attempt, Quiz
from training.progress.models import SignOff

PAGE = "/records/certificates"


@pytest.fixture
def certificates(make_user, make_course, make_certificate, revoke, reissue):
    """Five certificates spread over courses, professions, states, dates and statuses."""
    pt = make_user(name="Ana Alvarez", profession="physical_therapist", license_state="TX")
    dc = make_user(name="Bo Brown", profession="chiropractor", license_state="Ontario")
    md = make_user(name="Cy Chen", profession="medical_doctor", license_state="tx")
    dn101, dn202 = make_course("DN-101"), make_course("DN-202")
    c = {
        "jan": make_certificate(pt, dn101, issued_at=datetime(2026, 1, 1, 0, 0, 0)),
        "jun_end": make_certificate(dc, dn101, issued_at=datetime(2026, 6, 30, 23, 59, 59)),
        "jul": make_certificate(md, dn202, issued_at=datetime(2026, 7, 1, 0, 0, 0)),
        "old": make_certificate(pt, dn202, issued_at=datetime(2025, 12, 31, 23, 59, 59)),
    }
    revoke(c["jul"])
    c["new"] = reissue(c["old"], issued_at=datetime(2026, 3, 3, 12, 0))
    return c


def jsonl_serials(client, query: str) -> list[str]:
    response = client.post(f"/records/certificates/export{query}", data={"format": "jsonl"},
                           buffered=True)
    assert response.status_code == 200, response.data
    return [json.loads(line)["serial"] for line in response.data.decode().splitlines()]


def page_serials(client, query: str) -> list[str]:
    response = client.get(PAGE + query)
    assert response.status_code == 200
    return re.findall(r'<th scope="row" class="fw-normal font-monospace">([^<]+)</th>',
                      response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["jul", "jun_end", "new", "jan", "old"]),
        ("?issued_from=2026-01-01&issued_to=2026-06-30", ["jun_end", "new", "jan"]),
        ("?issued_to=2025-12-31", ["old"]),
        ("?issued_from=2026-07-01", ["jul"]),
        ("?course=DN-202", ["jul", "new", "old"]),
        ("?course=NOPE-1", []),
        ("?status=valid", ["jun_end", "new", "jan"]),
        ("?status=revoked", ["jul"]),
        ("?status=superseded", ["old"]),
        ("?profession=chiropractor", ["jun_end"]),
        ("?license_state=TX", ["jul", "new", "jan", "old"]),
        ("?license_state=ontario&status=valid", ["jun_end"]),
        ("?sort=serial", ["old", "jan", "jun_end", "jul", "new"]),  # DN-2025-... first
        ("?sort=-course", ["jul", "new", "old", "jun_end", "jan"]),
        ("?sort=trainee", ["jan", "old", "new", "jun_end", "jul"]),  # ties: by id
        ("?sort=completion", ["old", "jan", "new", "jun_end", "jul"]),
    ],
)
def test_page_and_export_show_the_same_records(client, login, auditor, certificates, query,
                                               expected):
    login(auditor)
    serials = [certificates[name].serial for name in expected]
    assert page_serials(client, query) == serials
    assert jsonl_serials(client, query) == serials


def test_profession_filter_matches_code_or_label_in_the_column(client, login, auditor,
                                                              certificates, db):
    certificates["jan"].profession = "physical_therapist"  # however issuance fills the column
    db.session.commit()
    login(auditor)
    assert page_serials(client, "?profession=physical_therapist") == [
        certificates["new"].serial, certificates["jan"].serial, certificates["old"].serial
    ]


def test_pagination(client, login, auditor, certificates):
    login(auditor)
    first = client.get(PAGE + "?per_page=2&sort=serial").get_data(as_text=True)
    assert "Page 1 of 3" in first and "<strong>5</strong> certificates match" in first
    assert 'href="/records/certificates?page=2&amp;sort=serial&amp;per_page=2"' in first
    assert page_serials(client, "?per_page=2&sort=serial&page=3") == [certificates["new"].serial]
    assert page_serials(client, "?per_page=2&page=99") == []


def test_bad_filters_show_errors_next_to_the_fields(client, login, auditor, certificates):
    login(auditor)
    response = client.get(PAGE + "?issued_from=2026-06-01&issued_to=2026-01-01&per_page=5000"
                          "&status=lost&bogus=1")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="f-issued_to-error" class="invalid-feedback d-block">The end date is before' in html
    assert 'aria-describedby="f-issued_to-help f-issued_to-error"' in html
    assert 'id="f-per_page-error" class="invalid-feedback d-block">Enter a whole number' in html
    assert 'id="f-status-error"' in html
    assert "bogus: unknown parameter" in html
    assert certificates["jan"].serial not in html  # no results shown for a refused filter


def test_page_query_count_does_not_grow_with_rows(client, login, auditor, make_user, make_course,
                                                  make_certificate, count_queries):
    login(auditor)
    course = make_course()
    make_certificate(make_user(), course)
    with count_queries() as few:
        client.get(PAGE)
    for _ in range(12):
        make_certificate(make_user(), course)
    with count_queries() as many:
        html = client.get(PAGE).get_data(as_text=True)
    assert "<strong>13</strong>" in html
    assert len(many) == len(few)


@pytest.fixture
def history(db, make_user, make_course, make_certificate):
    """A trainee with an enrolment, quiz attempts and sign-offs per course; grows with ``n``."""
    trainee = make_user(name="Dana Whitfield")
    instructor = make_user("instructor", name="Ravi Menon")

    def add(n: int) -> None:
        for _ in range(n):
            course = make_course()
            module = Module(course_id=course.id, position=1, slug="m", title="Anatomy")
            db.session.add(module)
            db.session.flush()
            quiz = Quiz(module_id=module.id, title=f"{course.code} anatomy quiz", pass_mark=80)
            db.session.add_all([
                quiz, Enrolment(user_id=trainee.id, course_id=course.id,
                                completed_at=datetime(2026, 2, 1, 10, 0)),
            ])
            db.session.flush()
            db.session.add_all([
                Attempt(quiz_id=quiz.id, user_id=trainee.id, number=1, submitted_at=datetime(2026, 1, 5),
                        score=6, max_score=10, percent=60.0, passed=False),
                Attempt(quiz_id=quiz.id, user_id=trainee.id, number=2, submitted_at=datetime(2026, 1, 6),
                        score=9, max_score=10, percent=90.0, passed=True),
                SignOff(trainee_id=trainee.id, course_id=course.id, instructor_id=instructor.id,
                        instructor_name="Ravi Menon", evaluated_on=date(2026, 1, 20),
                        hours=Decimal("18.00"), outcome="pass", notes="Safe, confident technique"),
            ])
            db.session.commit()
            make_certificate(trainee, course)

    return trainee, add


def test_trainee_record_shows_everything(client, login, auditor, history):
    trainee, add = history
    add(1)
    login(auditor)
    html = client.get(f"/records/trainees/{trainee.id}").get_data(as_text=True)
    assert "Dana Whitfield" in html
    assert "anatomy quiz" in html and "60.0% (6 / 10)" in html and "90.0% (9 / 10)" in html
    assert "not passed" in html and "passed" in html
    assert "1 Feb 2026, 10:00 UTC" in html  # enrolment completed, in the reader's zone
    assert "Ravi Menon" in html and "Safe, confident technique" in html and ">18<" in html
    assert "DN-2026-" in html and "text-bg-success\">valid" in html


def test_trainee_record_query_count_is_constant(client, login, auditor, history, count_queries):
    trainee, add = history
    add(1)
    login(auditor)
    with count_queries() as few:
        assert client.get(f"/records/trainees/{trainee.id}").status_code == 200
    add(6)
    with count_queries() as many:
        html = client.get(f"/records/trainees/{trainee.id}").get_data(as_text=True)
    assert html.count("anatomy quiz") == 14
    assert len(many) == len(few)


def test_unknown_trainee_is_404(client, login, auditor):
    login(auditor)
    assert client.get("/records/trainees/424242").status_code == 404
    assert client.get("/records/trainees/99999999999999999999").status_code == 404  # no 500


def test_trainee_search(client, login, auditor, make_user):
    make_user(name="Dana Whitfield", email="dana@example.org", license_number="PT-0458123")
    make_user(name="Percy 100% Smith")
    make_user("instructor", name="Dana Instructor")
    login(auditor)

    def names(query: str) -> list[str]:
        html = client.get("/records/trainees" + query).get_data(as_text=True)
        return re.findall(r'<a href="/records/trainees/\d+">([^<]+)</a>', html)

    assert names("?q=dana") == ["Dana Whitfield"]  # instructors are not trainees
    assert names("?q=DANA@EXAMPLE") == ["Dana Whitfield"]
    assert names("?q=0458") == ["Dana Whitfield"]
    assert names("?q=%25") == ["Percy 100% Smith"]  # % is a literal, not a wildcard
    assert names("") == ["Dana Whitfield", "Percy 100% Smith"]
    response = client.get("/records/trainees?q=" + "x" * 101)
    assert response.status_code == 400 and "Use at most 100 characters." in response.text
