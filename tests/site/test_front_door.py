"""The front door: a public course page anyone can read, a way to verify a certificate from every
page, and a logged-in home that is the user's own dashboard."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from modules.content_loader import seed_content
from modules.models import Course
from quizzes.content_loader import seed_quizzes
from training.practical.content_loader import seed_rubrics


@pytest.fixture
def shipped(db) -> Course:
    seed_content()
    seed_quizzes()
    seed_rubrics()
    db.session.commit()
    return db.session.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))


def test_anyone_reads_the_course_page_before_registering(client, shipped):
    home = client.get("/").get_data(as_text=True)
    assert f'href="/catalogue/{shipped.slug}"' in home
    page = client.get(f"/catalogue/{shipped.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dry Needling Level 1: Foundations" in html
    assert f"{float(shipped.contact_hours)} (60-minute hours)" in html and "27.0 supervised hours" in html
    assert "CE provider approval number NIMT-CE-2026-0147" in html
    second = shipped.modules[1]
    assert str(escape(f"Module 2: {second.title}")) in html and str(escape(second.lessons[1].title)) in html
    assert "Quiz: pass mark 80%, 3 attempts, 20 minutes." in html
    assert "A current licence as a physical therapist" in html  # prerequisites
    assert "Sharps handling and disposal" in html  # the practical's rubric
    assert 'href="/register"' in html
    assert client.get("/catalogue").status_code == 200


def test_unpublished_courses_are_not_shown(client, db, shipped):
    shipped.published = False
    db.session.commit()
    assert client.get(f"/catalogue/{shipped.slug}").status_code == 404
    assert shipped.slug not in client.get("/catalogue").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/login", "/catalogue"])
def test_every_page_links_to_certificate_verification(client, path):
    assert '<a href="/verify">Verify a certificate</a>' in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(("role", "home"), [
    ("trainee", "/dashboard"), ("instructor", "/cohorts"), ("auditor", "/records/certificates"),
    ("admin", "/admin/users"),
])
def test_the_logged_in_home_is_the_dashboard(client, make_user, login, role, home):
    login(make_user(role))
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == home
