"""Account journeys in a real browser."""

from __future__ import annotations

import re
from itertools import count

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from training.auth.models import User, UserRole

_n = count(1)


def unique_email(prefix: str) -> str:
    return f"{prefix}{next(_n)}-{id(object())}@example.org"


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()


def make_live_user(live_db, email: str, role: str) -> None:
    from tests.conftest import _PASSWORD_HASH

    user = User(email=email, name=f"{role.title()} Person", password_hash=_PASSWORD_HASH)
    user.role_rows = [UserRole(role=role)]
    live_db.session.add(user)
    live_db.session.commit()


def register(page, email: str, password: str, *, given="Ana", family="Ribeiro") -> None:
    page.goto("/register")
    page.get_by_label("Given name(s)").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Profession").select_option("physical_therapist")
    page.get_by_label("License number").fill("PT-778812")
    page.get_by_label("Licensing state or jurisdiction").fill("GA")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Create account").click()


def test_register_follow_the_emailed_link_log_in_change_password(page, live_mail):
    email = unique_email("trainee")
    register(page, email, "short")
    expect(page.locator("#password-error")).to_contain_text("at least 12")

    register(page, email, "Orbit-Canyon-Thistle-64")
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    log_in(page, email, "Orbit-Canyon-Thistle-64")
    expect(page.get_by_role("heading", name="Confirm your email address first")).to_be_visible()

    page.goto(live_mail.link_to(email, "/email/verify/"))
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    log_in(page, email, "Orbit-Canyon-Thistle-64")
    expect(page.get_by_role("heading", name=re.compile("Welcome, Ana Ribeiro"))).to_be_visible()

    page.goto("/account/password")
    page.get_by_label("Current password").fill("Orbit-Canyon-Thistle-64")
    page.get_by_label("New password", exact=True).fill("Juniper-Falcon-Ridge-19")
    page.get_by_label("Repeat new password").fill("Juniper-Falcon-Ridge-19")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()
    log_out(page)
    log_in(page, email, "Juniper-Falcon-Ridge-19")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_forgot_password_then_reset_by_the_emailed_link(page, live_db, live_mail):
    email = unique_email("forgetful")
    make_live_user(live_db, email, "trainee")
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me a reset link").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    page.goto(live_mail.link_to(email, "/password/reset/"))
    page.get_by_label("New password", exact=True).fill("Lichen-Harbor-Tundra-52")
    page.get_by_label("Repeat new password").fill("Lichen-Harbor-Tundra-52")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("every other session is logged out")).to_be_visible()
    log_out(page)
    log_in(page, email, PASSWORD)
    expect(page.get_by_text("Email or password is not correct.")).to_be_visible()
    log_in(page, email, "Lichen-Harbor-Tundra-52")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_admin_creates_instructor(page, live_db, live_mail):
    admin = unique_email("admin")
    make_live_user(live_db, admin, "admin")
    log_in(page, admin, PASSWORD)
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name="New user").click()
    instructor = unique_email("instructor")
    page.get_by_label("Full name").fill("Ivo Instructor")
    page.get_by_label("Email").fill(instructor)
    page.get_by_label("Instructor").check()
    page.get_by_label("Initial password").fill("Saffron-Glacier-Piano-28")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_text(f"Account created for {instructor}")).to_be_visible()

    log_out(page)
    page.goto(live_mail.link_to(instructor, "/email/verify/"))
    page.get_by_role("button", name="Confirm my email address").click()
    log_in(page, instructor, "Saffron-Glacier-Piano-28")
    expect(page.get_by_role("heading", name=re.compile("Welcome, Ivo Instructor"))).to_be_visible()


def test_trainee_cannot_open_admin_page(page, live_db):
    email = unique_email("trainee")
    make_live_user(live_db, email, "trainee")
    log_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_text("You do not have permission")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_have_count(0)


def test_registration_preselects_the_browsers_time_zone(browser, live_server):
    context = browser.new_context(base_url=live_server, timezone_id="America/Denver")
    page = context.new_page()
    page.goto("/register")
    expect(page.get_by_label("Time zone")).to_have_value("America/Denver")
    context.close()
