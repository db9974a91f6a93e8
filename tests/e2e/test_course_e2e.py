"""Reading and editing a course in a real browser.

Each test builds its own course with unique slugs: the live server's database is shared by
every browser test and is not emptied between them.
"""

from __future__ import annotations

import re
from uuid import uuid4

from playwright.sync_api import expect

from modules.models import Enrolment
from tests.conftest import PASSWORD
from tests.e2e.people import live_user
from tests.factories import build_course, lessons_in
from training.auth.models import User


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_trainee_enrols_and_reads_the_course_in_order(page, live_db):
    course = build_course((2, 1), title=f"Needling Basics {uuid4().hex[:6]}")
    slug, title = course.slug, course.title
    first, second, locked = (f"/courses/{slug}/lessons/{x.id}" for x in lessons_in(course.id))
    log_in(page, live_user(live_db, "trainee", "Tara Trainee"))

    page.get_by_role("link", name="Courses").first.click()
    page.locator(".card", has_text=title).get_by_role("link", name="View course").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text(f"You are enrolled in {title}.")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Course progress")).to_have_attribute(
        "aria-valuenow", "0")
    module_2 = page.locator("section", has=page.get_by_role("heading", name=re.compile("Module 2")))
    expect(module_2.get_by_text("locked").first).to_be_visible()
    expect(module_2.get_by_role("link", name="Lesson 2.1")).to_have_count(0)

    response = page.goto(locked)
    assert response.status == 403
    expect(page.get_by_text("locked until you complete the previous module")).to_be_visible()

    page.goto(f"/courses/{slug}")
    page.get_by_role("link", name="Start: Lesson 1.1").click()
    expect(page).to_have_url(re.compile(re.escape(first) + "$"))
    expect(page.get_by_text("Text of lesson 1.1.")).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page).to_have_url(re.compile(re.escape(second) + "$"))
    expect(page.get_by_role("link", name=re.compile("Lesson 1.1"))).to_have_count(2)  # prev, side
    page.get_by_role("button", name="Mark as complete").click()
    # the last lesson of module 1 (no quiz) leads on to module 2
    expect(page).to_have_url(re.compile(re.escape(locked) + "$"))

    page.goto(f"/courses/{slug}")
    expect(page.get_by_role("progressbar", name="Course progress")).to_have_attribute(
        "aria-valuenow", "67")
    expect(page.get_by_role("progressbar", name="Progress in Module 1")).to_have_attribute(
        "aria-valuenow", "100")
    expect(module_2.get_by_text("locked")).to_have_count(0)
    page.get_by_role("link", name="Continue: Lesson 2.1").click()
    expect(page).to_have_url(re.compile(re.escape(locked) + "$"))
    expect(page.get_by_text("Text of lesson 2.1.")).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text("You have completed every step")).to_be_visible()


def test_instructor_edits_with_preview_publishes_and_trainee_sees_the_new_version(page, live_db):
    course = build_course((1,), published=False, title=f"Draft Course {uuid4().hex[:6]}")
    title = course.title
    [lesson] = lessons_in(course.id)
    lesson_url, edit_url = f"/courses/{course.slug}/lessons/{lesson.id}", f"/author/lessons/{lesson.id}"
    trainee = live_user(live_db, "trainee", "Tom Trainee")
    trainee_id = live_db.session.query(User.id).filter_by(email=trainee).scalar()
    live_db.session.add(Enrolment(user_id=trainee_id, course_id=course.id))
    live_db.session.commit()

    log_in(page, trainee)  # a draft is invisible, even to a trainee already enrolled in it
    assert page.goto(lesson_url).status == 404
    page.goto("/courses/")
    expect(page.get_by_text(title)).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_user(live_db, "instructor", "Ines Instructor"))
    page.get_by_role("link", name="Authoring", exact=True).click()
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("link", name="Lesson 1.1", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(edit_url) + "$"))
    body = page.get_by_label("Lesson (Markdown)")
    expect(body).to_have_value("Text of lesson 1.1.")
    body.fill("## Depth control\n\n::: warning\nStop at the **rib**.\n:::\n\n<script>boom()</script>")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.locator(".callout-warning")).to_contain_text("Stop at the rib.")
    expect(preview.locator("script")).to_have_count(0)
    expect(page.get_by_label("Lesson (Markdown)")).to_have_value(re.compile("Depth control"))
    page.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text("Lesson saved.")).to_be_visible()
    page.get_by_role("link", name="Revision history").click()
    expect(page.get_by_role("cell", name="Ines Instructor")).to_be_visible()
    page.get_by_role("link", name="#1").click()
    expect(page.get_by_text("Text of lesson 1.1.").first).to_be_visible()
    page.get_by_role("link", name="Authoring", exact=True).click()
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Course published.")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, trainee)
    page.get_by_role("link", name="Courses").first.click()
    expect(page.get_by_text(title)).to_be_visible()
    page.goto(lesson_url)
    expect(page.get_by_role("heading", name="Depth control")).to_be_visible()
    expect(page.locator(".lesson-body .callout-warning")).to_contain_text("Stop at the rib.")
    expect(page.get_by_text("Text of lesson 1.1.")).to_have_count(0)
