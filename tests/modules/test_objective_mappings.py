"""Content files accept objectives with ids, a course final exam and a figures folder."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modules.content_loader import ContentFileError, load_course_dir
from modules.models import Module
from tests.modules.test_content_loader import COURSE_MD, write_course
from training.extensions import db

MAPPED = """---
title: "First"
slug: first
objectives:
  - id: find-band
    text: Find the taut band
  - id: plan-path
    text: Plan the needle path
---
Intro.
"""


def test_objective_mappings_load_as_their_texts_and_figures_are_not_a_module(app, tmp_path):
    course = write_course(tmp_path)
    (course / "01-first" / "module.md").write_text(MAPPED)
    (course / "figures").mkdir()
    (course / "figures" / "diagram.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (course / "course.md").write_text(COURSE_MD.replace(
        "---\nWhat", "final_exam:\n  title: Final\n  pass_mark: 80\n  per_objective: 1\n---\nWhat"))
    load_course_dir(course)
    db.session.commit()
    modules = db.session.scalars(select(Module).order_by(Module.position)).all()
    assert [m.slug for m in modules] == ["first", "second"]
    assert modules[0].objectives == ["Find the taut band", "Plan the needle path"]


@pytest.mark.parametrize(("objectives", "message"), [
    ("  - id: same\n    text: One\n  - id: same\n    text: Two\n", "the id 'same' is used twice"),
    ("  - id: Not A Slug\n    text: One\n", "slug-shaped 'id'"),
    ("  - id: no-text\n", "slug-shaped 'id'"),
    ("  - 12\n", "must be a list of non-empty text items or {id, text} mappings"),
])
def test_bad_objective_mappings_are_named(app, tmp_path, objectives, message):
    course = write_course(tmp_path)
    (course / "01-first" / "module.md").write_text(
        f'---\ntitle: "First"\nslug: first\nobjectives:\n{objectives}---\nIntro.\n')
    with pytest.raises(ContentFileError) as err:
        load_course_dir(course)
    assert "01-first/module.md, field 'objectives'" in str(err.value) and message in str(err.value)
    assert db.session.scalars(select(Module)).all() == []


def test_a_final_exam_that_is_not_a_mapping_is_named(app, tmp_path):
    course = write_course(tmp_path)
    (course / "course.md").write_text(COURSE_MD.replace("---\nWhat", "final_exam: yes\n---\nWhat"))
    with pytest.raises(ContentFileError, match=r"course\.md, field 'final_exam': must be a mapping"):
        load_course_dir(course)


def lesson_with_objectives(objectives: str) -> str:
    return f"---\ntitle: Lesson A\nslug: a\nminutes: 25\nobjectives: {objectives}\n---\nText.\n"


def test_lessons_name_the_objectives_they_teach_and_a_change_updates_the_lesson(app, tmp_path):
    course = write_course(tmp_path)
    (course / "01-first" / "module.md").write_text(MAPPED)
    (course / "01-first" / "01-a.md").write_text(lesson_with_objectives("[find-band, plan-path]"))
    load_course_dir(course)
    db.session.commit()
    first = db.session.scalar(select(Module).where(Module.slug == "first"))
    assert [lesson.objectives for lesson in first.lessons] == [["find-band", "plan-path"], []]
    assert not load_course_dir(course).changed
    (course / "01-first" / "01-a.md").write_text(lesson_with_objectives("[plan-path]"))
    summary = load_course_dir(course)
    db.session.commit()
    assert summary.lessons_updated == 1 and summary.revisions_created == 0
    assert first.lessons[0].objectives == ["plan-path"]


@pytest.mark.parametrize(("objectives", "message"), [
    ("[no-such]", "unknown objective 'no-such' (module.md lists find-band, plan-path)"),
    ("[find-band, find-band]", "names an objective twice"),
    ("find-band", "must be a list of non-empty text items"),
    ("[]", "must list at least one item"),
])
def test_bad_lesson_objectives_are_named(app, tmp_path, objectives, message):
    course = write_course(tmp_path)
    (course / "01-first" / "module.md").write_text(MAPPED)
    (course / "01-first" / "01-a.md").write_text(lesson_with_objectives(objectives))
    with pytest.raises(ContentFileError) as err:
        load_course_dir(course)
    assert "01-first/01-a.md, field 'objectives'" in str(err.value) and message in str(err.value)
    assert db.session.scalars(select(Module)).all() == []
