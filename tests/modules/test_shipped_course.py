"""The Level 1 course shipped in modules/content loads whole and reads as a course."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from modules.content_loader import seed_content
from modules.models import Course
from modules.services import contact_hours_from_minutes
from tests.factories import lessons_in, modules_in
from training.extensions import db
from training.seed import seed_hooks


def test_shipped_course_loads_complete_and_published(app):
    [summary] = seed_content()
    db.session.commit()
    assert summary.course_created and summary.published
    course = db.session.scalar(select(Course).where(Course.slug == "dry-needling-level-1"))
    assert course.published and course.code == "DN-101"
    assert course.provider and course.approval_number and course.summary
    # the practical is assessed with the rubric (rubric.yaml), not a free-typed checklist
    assert course.requires_signoff and course.signoff_checklist == []
    assert course.practical_hours == Decimal(27)

    modules = modules_in(course.id)
    assert [m.slug for m in modules][:6] == [
        "what-is-dry-needling", "anatomy-and-danger-zones", "myofascial-trigger-points",
        "safe-insertion", "risks-and-contraindications", "clinical-applications",
    ]
    assert [m.position for m in modules] == list(range(1, len(modules) + 1))
    lessons = lessons_in(course.id)
    for module in modules:
        own = [lesson for lesson in lessons if lesson.module_id == module.id]
        assert len(own) >= 3, module.title
        assert len(module.objectives) >= 3 and all(module.objectives), module.title
    for lesson in lessons:
        body = lesson.current_revision.body
        headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
        assert headings[-1] == "Sources", lesson.title
        assert re.search(r"^## Sources\n\n- \S", body, flags=re.MULTILINE), lesson.title
        assert "<h2>Sources</h2>" in lesson.current_revision.html
    minutes = sum(lesson.minutes for lesson in lessons)
    # stated minutes are plausible study time: about 70 words of clinical text a minute
    assert all(10 <= lesson.minutes <= 18 for lesson in lessons)
    assert minutes == 642
    assert course.contact_hours == contact_hours_from_minutes(minutes) == Decimal("10.7")
    assert course.contact_hours >= Decimal(8)
    assert course.seat_time_percent == 50
    assert any("callout-warning" in lesson.current_revision.html for lesson in lessons)


def test_trainee_reads_the_shipped_course(app, client, login, make_user):
    seed_content()
    db.session.commit()
    trainee = make_user("trainee")
    login(trainee)
    client.post("/courses/dry-needling-level-1/enrol")
    course_id = db.session.scalar(select(Course.id))
    lessons = lessons_in(course_id)
    page = client.get(f"/courses/dry-needling-level-1/lessons/{lessons[0].id}").get_data(as_text=True)
    assert "Definition and scope" in page and 'class="callout callout-warning"' in page
    assert client.get(f"/courses/dry-needling-level-1/lessons/{lessons[-1].id}").status_code == 403


def test_seed_demo_loads_the_course_first_and_again_without_change(app):
    """``flask seed-demo`` runs the hooks in order; the quiz loader needs the course first."""
    assert seed_hooks()[0] is seed_content
    seed_content()
    db.session.commit()
    [again] = seed_content()
    db.session.commit()
    assert not again.changed
    assert len(db.session.scalars(select(Course)).all()) == 1
