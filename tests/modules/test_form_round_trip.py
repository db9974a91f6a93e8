"""Opening an authoring form and saving it unchanged changes nothing (lists stay lists)."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from modules.content_loader import seed_content
from modules.models import Course
from modules.services import objective_lines
from tests.html_forms import form_with
from training.audit.models import AuditEntry

IGNORED = {"updated_at"}


def snapshot(obj) -> dict:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in IGNORED}


def test_saving_the_shipped_course_form_unchanged_changes_nothing(client, db, make_user, login):
    seed_content()
    db.session.commit()
    course = db.session.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))
    before = snapshot(course)
    modules_before = [snapshot(m) for m in course.modules]
    assert len(before["prerequisites"]) > 1  # a list, shown one item per line
    audit_before = db.session.scalar(select(db.func.count(AuditEntry.id)))
    login(make_user("instructor"))

    page = client.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert "[&#39;" not in page and "['" not in page  # never a Python list
    fields = form_with(page, "prerequisites")
    assert ("prerequisites", "\r\n".join(before["prerequisites"])) in fields
    response = client.post(f"/author/courses/{course.id}", data=MultiDict(fields))
    assert response.status_code == 302, response.get_data(as_text=True)

    for module in course.modules:
        page = client.get(f"/author/modules/{module.id}").get_data(as_text=True)
        fields = form_with(page, "objectives")
        assert ("objectives", objective_lines(module).replace("\n", "\r\n")) in fields
        assert client.post(f"/author/modules/{module.id}", data=MultiDict(fields)).status_code == 302

    db.session.expire_all()
    course = db.session.get(Course, course.id)
    assert snapshot(course) == before
    assert [snapshot(m) for m in course.modules] == modules_before
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == audit_before


def test_saving_a_shipped_lesson_unchanged_makes_no_new_revision(client, db, make_user, login):
    from modules.models import Lesson, LessonRevision

    seed_content()
    db.session.commit()
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "regulation-and-training"))
    revisions = db.session.scalar(select(db.func.count(LessonRevision.id)).where(LessonRevision.lesson_id == lesson.id))
    login(make_user("instructor"))
    fields = form_with(client.get(f"/author/lessons/{lesson.id}").get_data(as_text=True), "body")
    response = client.post(f"/author/lessons/{lesson.id}", data=MultiDict([*fields, ("submit", "Save lesson")]))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(
        select(db.func.count(LessonRevision.id)).where(LessonRevision.lesson_id == lesson.id)) == revisions


def test_a_lesson_keeps_its_objectives_through_the_form_and_an_author_changes_them(client, db, make_user, login):
    from modules.models import Lesson

    seed_content()
    db.session.commit()
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "thorax-and-pneumothorax"))
    assert lesson.objectives == ["anat-thorax", "anat-pneumothorax"]
    login(make_user("instructor"))
    page = client.get(f"/author/lessons/{lesson.id}").get_data(as_text=True)
    assert "anat-landmarks: Use palpable surface landmarks" in page  # every objective of the module offered
    fields = form_with(page, "body")
    assert [value for name, value in fields if name == "objectives"] == ["anat-thorax", "anat-pneumothorax"]
    assert client.post(f"/author/lessons/{lesson.id}",
                       data=MultiDict([*fields, ("submit", "Save lesson")])).status_code == 302
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).objectives == ["anat-thorax", "anat-pneumothorax"]

    changed = [(name, value) for name, value in fields if name != "objectives"] + [("objectives", "anat-landmarks")]
    assert client.post(f"/author/lessons/{lesson.id}",
                       data=MultiDict([*changed, ("submit", "Save lesson")])).status_code == 302
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).objectives == ["anat-landmarks"]

    foreign = [(name, value) for name, value in changed if name != "objectives"] + [("objectives", "dn-definition")]
    refused = client.post(f"/author/lessons/{lesson.id}", data=MultiDict([*foreign, ("submit", "Save lesson")]))
    assert refused.status_code == 400 and "not a valid choice" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).objectives == ["anat-landmarks"]
