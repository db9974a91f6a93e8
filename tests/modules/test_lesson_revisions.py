"""Lesson edits: preview, revisions (who, when, earlier versions), what trainees then see."""

from __future__ import annotations

from sqlalchemy import func, select

from modules.models import LessonRevision
from tests.factories import build_course, lessons_in
from training.extensions import db


def form(**change) -> dict:
    data = {"title": "Lesson 1.1", "slug": "lesson-1", "minutes": "15",
            "body": "Text of lesson 1.1.", "published": "y"}
    return {**data, **change}


def revisions_of(lesson_id: int) -> list[LessonRevision]:
    return list(db.session.scalars(
        select(LessonRevision).where(LessonRevision.lesson_id == lesson_id)
        .order_by(LessonRevision.number)
    ))


def test_instructor_edit_is_what_the_trainee_reads_next(client, login, instructor, trainee):
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    login(trainee)
    client.post(f"/courses/{course.slug}/enrol")
    url = f"/courses/{course.slug}/lessons/{lesson.id}"
    assert "Text of lesson 1.1." in client.get(url).get_data(as_text=True)

    login(instructor)
    response = client.post(f"/author/lessons/{lesson.id}", data=form(
        title="Palpation basics", body="## Flat palpation\n\nUse the **pads** of the fingers."
    ))
    assert response.status_code == 302

    login(trainee)
    page = client.get(url).get_data(as_text=True)
    assert "<h2>Flat palpation</h2>" in page and "<strong>pads</strong>" in page
    assert "Palpation basics" in page and "Text of lesson 1.1." not in page
    assert "revision 2" in page


def test_revisions_record_who_and_when_and_keep_earlier_versions(client, login, make_user):
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    first_author = make_user("instructor", name="Ana Author")
    second_author = make_user("instructor", name="Ben Builder")
    login(first_author)
    client.post(f"/author/lessons/{lesson.id}", data=form(body="Version two"))
    login(second_author)
    client.post(f"/author/lessons/{lesson.id}", data=form(title="Retitled", body="Version two"))

    revisions = revisions_of(lesson.id)
    assert [(r.number, r.title, r.author_name) for r in revisions] == [
        (1, "Lesson 1.1", "Course content files"),
        (2, "Lesson 1.1", "Ana Author"),
        (3, "Retitled", "Ben Builder"),
    ]
    assert revisions[1].author_id == first_author.id
    assert revisions[0].created_at <= revisions[1].created_at <= revisions[2].created_at

    history = client.get(f"/author/lessons/{lesson.id}/revisions").get_data(as_text=True)
    assert "Ana Author" in history and "Ben Builder" in history
    assert revisions[1].created_at.strftime("%-d %b %Y, %H:%M UTC") in history
    old = client.get(f"/author/lessons/{lesson.id}/revisions/1").get_data(as_text=True)
    assert "Text of lesson 1.1." in old and "Course content files" in old
    assert client.get(f"/author/lessons/{lesson.id}/revisions/9").status_code == 404


def test_saving_unchanged_text_makes_no_revision_even_with_browser_line_endings(
    client, login, instructor
):
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    login(instructor)
    client.post(f"/author/lessons/{lesson.id}", data=form(body="Line one\nLine two"))
    assert len(revisions_of(lesson.id)) == 2
    client.post(f"/author/lessons/{lesson.id}", data=form(body="Line one\r\nLine two", minutes="20"))
    revisions = revisions_of(lesson.id)
    assert len(revisions) == 2 and revisions[-1].body == "Line one\nLine two"
    assert lessons_in(course.id)[0].minutes == 20


def test_preview_renders_without_saving_even_when_the_form_is_unfinished(client, login, instructor):
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    login(instructor)
    response = client.post(f"/author/lessons/{lesson.id}", data=form(
        title="", body="::: warning\nMind the **lung**.\n:::\n\n<script>alert(1)</script>",
        preview="Preview",
    ))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="preview"' in page
    assert '<div class="callout callout-warning">' in page and "<strong>lung</strong>" in page
    assert "<script>alert(1)" not in page
    assert len(revisions_of(lesson.id)) == 1
    assert lessons_in(course.id)[0].title == "Lesson 1.1"


def test_new_lesson_through_the_form(client, login, instructor):
    course = build_course((1,))
    module_id = lessons_in(course.id)[0].module_id
    login(instructor)
    assert client.get(f"/author/modules/{module_id}/lessons/new").status_code == 200
    response = client.post(f"/author/modules/{module_id}/lessons/new", data=form(
        title="Consent", slug="consent", body="Ask first.", minutes="45"
    ))
    assert response.status_code == 302
    lessons = lessons_in(course.id)
    assert [(x.title, x.position) for x in lessons] == [("Lesson 1.1", 1), ("Consent", 2)]
    [revision] = revisions_of(lessons[1].id)
    assert (revision.number, revision.author_name, revision.html) == (1, "Iris Instructor",
                                                                       "<p>Ask first.</p>\n")
    assert db.session.scalar(select(func.count()).select_from(LessonRevision)) == 2
