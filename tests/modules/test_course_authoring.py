"""Instructors: courses and modules through the forms, bad input, publication."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from modules.models import Course, Lesson, LessonRevision
from tests.factories import build_course, lessons_in, modules_in
from training.audit.models import AuditEntry
from training.extensions import db

COURSE_FORM = {
    "code": "dn-201", "slug": "dry-needling-level-2", "title": "Dry Needling Level 2",
    "summary": "Advanced.", "provider": "Northfield", "approval_number": "A-2",
    "practical_hours": "0", "requires_signoff": "y", "signoff_checklist": "Skill one\n\nSkill two\n",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def error_next_to(page: str, field: str) -> str:
    """The message shown under ``field`` by the form macro."""
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert match, f"no error shown next to {field}"
    return match.group(1)


def test_only_instructors_author(client, login, trainee):
    login(trainee)
    assert client.get("/author/").status_code == 403
    assert client.post("/author/courses/new", data=COURSE_FORM).status_code == 403
    assert count(Course) == 0


def test_create_course_as_draft_and_edit_it(client, login, instructor):
    login(instructor)
    response = client.post("/author/courses/new", data=COURSE_FORM)
    assert response.status_code == 302
    course = db.session.scalar(select(Course))
    assert (course.code, course.published, course.practical_hours) == ("DN-201", False, 0)
    assert course.signoff_checklist == ["Skill one", "Skill two"]
    page = client.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert "draft" in page and "Dry Needling Level 2" in page

    response = client.post(
        f"/author/courses/{course.id}", data={**COURSE_FORM, "title": "Level 2", "practical_hours": "12.5"}
    )
    assert response.status_code == 302
    db.session.refresh(course)
    assert (course.title, course.practical_hours) == ("Level 2", Decimal("12.5"))


def test_course_slug_or_code_clash_is_refused_with_nothing_saved(client, login, instructor):
    other = build_course()
    login(instructor)
    response = client.post("/author/courses/new", data={**COURSE_FORM, "slug": other.slug})
    assert response.status_code == 400
    assert "already uses the slug" in error_next_to(response.get_data(as_text=True), "slug")
    assert count(Course) == 1

    client.post("/author/courses/new", data=COURSE_FORM)
    mine = db.session.scalar(select(Course).where(Course.slug == COURSE_FORM["slug"]))
    response = client.post(
        f"/author/courses/{mine.id}", data={**COURSE_FORM, "title": "Changed", "code": other.code}
    )
    assert response.status_code == 400
    assert "already uses the code" in error_next_to(response.get_data(as_text=True), "code")
    db.session.refresh(mine)
    assert (mine.title, mine.code) == ("Dry Needling Level 2", "DN-201")


def test_over_long_course_title_is_refused(client, login, instructor):
    login(instructor)
    response = client.post("/author/courses/new", data={**COURSE_FORM, "title": "x" * 201})
    assert response.status_code == 400
    assert "200 characters" in error_next_to(response.get_data(as_text=True), "title")
    assert count(Course) == 0


def test_module_create_edit_and_slug_clash(client, login, instructor):
    course = build_course((1,))
    login(instructor)
    form = {"title": "Needling the neck", "slug": "neck", "objectives": "Find C7\n\nAvoid the lung",
            "intro": "Careful.", "published": "y"}
    assert client.post(f"/author/courses/{course.id}/modules/new", data=form).status_code == 302
    new = modules_in(course.id)[-1]
    assert (new.position, new.objectives) == (2, ["Find C7", "Avoid the lung"])

    response = client.post(f"/author/modules/{new.id}", data={**form, "slug": "module-1"})
    assert response.status_code == 400
    assert "already uses the slug" in error_next_to(response.get_data(as_text=True), "slug")
    db.session.refresh(new)
    assert new.slug == "neck"

    response = client.post(f"/author/modules/{new.id}", data={**form, "title": "T" * 201})
    assert response.status_code == 400
    assert error_next_to(response.get_data(as_text=True), "title")
    response = client.post(f"/author/modules/{new.id}", data={**form, "title": "Neck", "published": ""})
    assert response.status_code == 302
    db.session.refresh(new)
    assert (new.title, new.published, new.position) == ("Neck", False, 2)


def test_publish_needs_a_readable_lesson_and_is_audited(client, login, instructor, trainee):
    login(instructor)
    client.post("/author/courses/new", data=COURSE_FORM)
    course = db.session.scalar(select(Course))
    response = client.post(f"/author/courses/{course.id}/publish", follow_redirects=True)
    assert "Add at least one published module" in response.get_data(as_text=True)
    db.session.refresh(course)
    assert course.published is False

    ready = build_course((1,), published=False, minutes=90)
    response = client.post(f"/author/courses/{ready.id}/publish")
    assert response.status_code == 302
    db.session.refresh(ready)
    assert ready.published and ready.contact_hours == Decimal("1.5")
    login(trainee)
    assert ready.title in client.get("/courses/").get_data(as_text=True)

    login(instructor)
    client.post(f"/author/courses/{ready.id}/unpublish")
    login(trainee)
    assert ready.title not in client.get("/courses/").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    assert actions[-2:] == ["course.published", "course.unpublished"]


def test_lesson_bad_input_is_refused_with_nothing_saved(client, login, instructor):
    course = build_course((1,))
    module = modules_in(course.id)[0]
    login(instructor)
    good = {"title": "Lesson two", "slug": "two", "minutes": "20", "body": "Text", "published": "y"}
    cases = [
        ({"title": "x" * 201}, "title", "200 characters"),
        ({"body": "   "}, "body", "cannot be empty"),
        ({"slug": "lesson-1"}, "slug", "already uses the slug"),
        ({"slug": "Bad Slug"}, "slug", "lower-case"),
        ({"minutes": "0"}, "minutes", "between 1 and 600"),
        ({"minutes": "601"}, "minutes", "between 1 and 600"),
    ]
    for change, field, message in cases:
        response = client.post(f"/author/modules/{module.id}/lessons/new", data={**good, **change})
        assert response.status_code == 400, change
        assert message in error_next_to(response.get_data(as_text=True), field), change
    assert (count(Lesson), count(LessonRevision)) == (1, 1)

    [lesson] = lessons_in(course.id)
    response = client.post(f"/author/lessons/{lesson.id}", data={**good, "slug": "lesson-1", "body": ""})
    assert response.status_code == 400
    assert count(LessonRevision) == 1
    db.session.refresh(lesson)
    assert lesson.current_revision.body == "Text of lesson 1.1."


def test_lesson_slug_clash_on_edit_leaves_the_lesson_unchanged(client, login, instructor):
    course = build_course((2,))
    first, second = lessons_in(course.id)
    login(instructor)
    data = {"title": "Renamed", "slug": first.slug, "minutes": "30", "body": "New", "published": "y"}
    response = client.post(f"/author/lessons/{second.id}", data=data)
    assert response.status_code == 400
    assert "already uses the slug" in error_next_to(response.get_data(as_text=True), "slug")
    db.session.refresh(second)
    assert (second.slug, second.title, second.minutes) == ("lesson-2", "Lesson 1.2", 15)
    assert count(LessonRevision) == 2


def test_contact_hours_follow_lesson_minutes(client, login, instructor):
    course = build_course((2,), minutes=25)
    assert db.session.get(Course, course.id).contact_hours == Decimal("0.8")  # 50 min
    first = lessons_in(course.id)[0]
    login(instructor)
    client.post(f"/author/lessons/{first.id}", data={
        "title": "Lesson 1.1", "slug": "lesson-1", "minutes": "94", "body": "Text of lesson 1.1.",
        "published": "y",
    })
    db.session.refresh(course)
    assert course.contact_hours == Decimal("1.9")  # 119 minutes: down to the tenth, not 2.0
