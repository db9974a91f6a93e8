"""The audit log names its subjects (people, lessons, courses) and keeps the raw ids at hand."""

from __future__ import annotations

import csv
import io

from modules.models import Course, Lesson, Module
from training.audit import record_event


def make_entries(db, make_user, count: int) -> None:
    course = Course(code=f"DN-{count}", slug=f"dn-{count}", title="Foundations", provider="P")
    module = Module(position=1, slug="m", title="Anatomy")
    course.modules = [module]
    module.lessons = [Lesson(position=i, slug=f"l{i}", title=f"Thorax part {i}", minutes=5)
                      for i in range(1, count + 1)]
    db.session.add(course)
    db.session.flush()
    for lesson in module.lessons:
        person = make_user("trainee", name=f"Dana {lesson.position}")
        record_event("lesson.revised", f"lesson:{lesson.id}", {"by": "test"})
        record_event("user.roles_changed", f"user:{person.id}", {"roles": ["trainee"]})
    record_event("course.saved", f"course:{course.id}", {})
    db.session.commit()


def test_page_and_export_show_readable_subjects_with_the_raw_ids(client, db, make_user, login):
    make_entries(db, make_user, 2)
    auditor = make_user("auditor")
    login(auditor)
    html = client.get("/records/audit").get_data(as_text=True)
    lesson = db.session.scalar(db.select(Lesson).where(Lesson.title == "Thorax part 1"))
    assert f'<span title="lesson:{lesson.id}">Lesson “Thorax part 1”</span>' in html
    assert f'<span class="visually-hidden"> (lesson:{lesson.id})</span>' in html
    assert "Dana 2 (" in html and "Course DN-2 “Foundations”" in html

    export = client.post("/records/audit/export", buffered=True)
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"), newline="")))
    row = next(r for r in rows if r["Subject"] == f"lesson:{lesson.id}")
    assert row["Subject (readable)"] == "Lesson “Thorax part 1”"


def test_naming_subjects_costs_the_same_for_more_entries(client, db, make_user, login, count_queries):
    auditor = make_user("auditor")
    login(auditor)
    counts = []
    for size in (2, 8):
        make_entries(db, make_user, size)
        with count_queries() as statements:
            assert client.get("/records/audit").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
