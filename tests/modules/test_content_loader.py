"""The content loader: checks every file first, upserts, and is safe to run again."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from modules.cli import content_cli
from modules.content_loader import ContentFileError, load_course_dir, seed_content
from modules.models import Course, Lesson, LessonCompletion, LessonRevision, Module
from tests.factories import lessons_in, modules_in
from training.extensions import db

COURSE_MD = """---
code: TST-1
slug: test-course
title: "Test Course"
provider: "Test Institute"
approval_number: "AP-9"
practical_hours: 4.5
requires_signoff: true
signoff_checklist:
  - Hand hygiene
---
What the course covers.
"""


def module_md(title: str, slug: str, extra: str = "") -> str:
    return f'---\ntitle: "{title}"\nslug: {slug}\nobjectives:\n  - Know {slug}\n{extra}---\nIntro.\n'


def lesson_md(title: str, slug: str, minutes: int = 25, body: str | None = None) -> str:
    body = f"Body of {slug}.\n\n## Sources\n\n- A source\n" if body is None else body
    return f'---\ntitle: "{title}"\nslug: {slug}\nminutes: {minutes}\n---\n{body}'


def write_course(root: Path) -> Path:
    """A course of two modules (2 and 1 lessons, 25 minutes each) under ``root``."""
    course = root / "test-course"
    (course / "01-first").mkdir(parents=True)
    (course / "02-second").mkdir()
    (course / "course.md").write_text(COURSE_MD)
    quiz = "quiz:\n  title: Quiz\n  pass_mark: 80\n"
    (course / "01-first" / "module.md").write_text(module_md("First", "first", quiz))
    (course / "01-first" / "01-a.md").write_text(lesson_md("Lesson A", "a"))
    (course / "01-first" / "02-b.md").write_text(lesson_md("Lesson B", "b"))
    (course / "01-first" / "questions.gift").write_text("::Q1:: 1+1? {=2 ~3}\n")
    (course / "02-second" / "module.md").write_text(module_md("Second", "second"))
    (course / "02-second" / "01-c.md").write_text(lesson_md("Lesson C", "c"))
    return course


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_load_creates_everything_in_order(app, tmp_path):
    folder = write_course(tmp_path)
    summary = load_course_dir(folder)
    db.session.commit()
    assert (summary.course_created, summary.modules_created, summary.lessons_created,
            summary.revisions_created) == (True, 2, 3, 3)
    course = db.session.scalar(select(Course))
    assert (course.code, course.title, course.provider, course.approval_number) == (
        "TST-1", "Test Course", "Test Institute", "AP-9")
    assert (course.practical_hours, course.requires_signoff, course.signoff_checklist) == (
        Decimal("4.5"), True, ["Hand hygiene"])
    assert course.summary == "What the course covers." and course.published is False
    assert course.contact_hours == Decimal("1.2")  # 75 minutes, down to the tenth
    assert [(m.slug, m.position, m.objectives, m.intro) for m in modules_in(course.id)] == [
        ("first", 1, ["Know first"], "Intro."), ("second", 2, ["Know second"], "Intro."),
    ]
    lessons = lessons_in(course.id)
    assert [(x.slug, x.position, x.minutes) for x in lessons] == [("a", 1, 25), ("b", 2, 25),
                                                                  ("c", 1, 25)]
    assert lessons[0].current_revision.author_name == "Course content files"
    assert lessons[0].current_revision.author_id is None
    assert "<h2>Sources</h2>" in lessons[0].current_revision.html


def test_loading_again_changes_nothing(app, tmp_path, count_queries):
    folder = write_course(tmp_path)
    seed_content(tmp_path)
    db.session.commit()
    updated_at = db.session.scalar(select(Course.updated_at))
    db.session.expire_all()
    with count_queries() as statements:
        [summary] = seed_content(tmp_path)
        db.session.commit()
    writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    assert writes == [] and not summary.changed and str(summary) == "test-course: unchanged"
    assert db.session.scalar(select(Course.updated_at)) == updated_at
    assert (rows(Course), rows(Module), rows(Lesson), rows(LessonRevision)) == (1, 2, 3, 3)
    assert folder.is_dir()


def test_an_edited_file_makes_exactly_one_new_revision(app, tmp_path):
    folder = write_course(tmp_path)
    seed_content(tmp_path)
    db.session.commit()
    (folder / "01-first" / "02-b.md").write_text(lesson_md("Lesson B", "b", 40, "New text.\n"))
    [summary] = seed_content(tmp_path)
    db.session.commit()
    assert (summary.revisions_created, summary.lessons_updated) == (1, 1)
    assert rows(LessonRevision) == 4
    lesson = lessons_in(db.session.scalar(select(Course.id)))[1]
    assert (lesson.current_revision.number, lesson.current_revision.body) == (2, "New text.")
    assert db.session.scalar(select(Course.contact_hours)) == Decimal("1.5")  # 90 minutes


def test_what_left_the_files_is_unpublished_and_progress_is_kept(app, tmp_path, make_user):
    folder = write_course(tmp_path)
    seed_content(tmp_path)
    db.session.commit()
    trainee = make_user("trainee")
    course_id = db.session.scalar(select(Course.id))
    lesson_a = lessons_in(course_id)[0]
    db.session.add(LessonCompletion(user_id=trainee.id, lesson_id=lesson_a.id))
    db.session.commit()

    (folder / "01-first" / "01-a.md").unlink()
    (folder / "02-second" / "module.md").unlink()
    (folder / "02-second" / "01-c.md").unlink()
    (folder / "02-second").rmdir()
    (folder / "01-first" / "02-b.md").rename(folder / "01-first" / "01-b.md")
    [summary] = seed_content(tmp_path)
    db.session.commit()
    assert sorted(summary.unpublished) == ["a", "second"]
    lessons = lessons_in(course_id)
    assert [(x.slug, x.position, x.published) for x in lessons] == [
        ("b", 1, True), ("a", 2, False), ("c", 1, True)]
    assert [(m.slug, m.published) for m in modules_in(course_id)] == [("first", True),
                                                                     ("second", False)]
    assert rows(LessonCompletion) == 1 and rows(LessonRevision) == 3
    assert db.session.scalar(select(Course.contact_hours)) == Decimal("0.4")  # only b counts


def break_file(folder: Path, relative: str, text: str) -> None:
    (folder / relative).write_text(text)


BAD_FILES = [
    ("course.md", COURSE_MD.replace("code: TST-1\n", ""), "course.md", "code", "missing"),
    ("course.md", COURSE_MD.replace("practical_hours: 4.5", "practical_hours: lots"),
     "course.md", "practical_hours", "number"),
    ("course.md", COURSE_MD.replace("requires_signoff: true", "requires_signoff: maybe"),
     "course.md", "requires_signoff", "true or false"),
    ("course.md", COURSE_MD.replace("What the course covers.\n", ""), "course.md", "body", "empty"),
    ("course.md", COURSE_MD.replace("title: \"Test Course\"", "title: [unclosed"),
     "course.md", None, "not valid YAML"),
    ("course.md", "No front matter at all\n", "course.md", None, "no YAML front matter"),
    ("01-first/module.md", module_md("First", "first").replace("  - Know first\n", ""),
     "01-first/module.md", "objectives", "must be a list"),
    ("01-first/module.md", module_md("First", "first").replace("  - Know first\n", "  []\n"),
     "01-first/module.md", "objectives", "at least one"),
    ("01-first/module.md", module_md("First", "first", "quiz: yes\n"), "01-first/module.md",
     "quiz", "mapping"),
    ("01-first/module.md", module_md("First", "Bad_Slug"), "01-first/module.md", "slug",
     "lower-case"),
    ("02-second/module.md", module_md("Second", "first"), "02-second/module.md", "slug",
     "also the slug"),
    ("01-first/02-b.md", lesson_md("T" * 201, "b"), "01-first/02-b.md", "title", "limit is 200"),
    ("01-first/02-b.md", lesson_md("B", "b", 0), "01-first/02-b.md", "minutes", "1 to 600"),
    ("01-first/02-b.md", lesson_md("B", "b", 601), "01-first/02-b.md", "minutes", "1 to 600"),
    ("01-first/02-b.md", lesson_md("B", "b", body=""), "01-first/02-b.md", "body", "empty"),
    ("01-first/02-b.md", lesson_md("B", "a"), "01-first/02-b.md", "slug", "also the slug"),
    ("01-first/02-b.md", lesson_md("B", "b").replace("minutes:", "minuts:"),
     "01-first/02-b.md", "minutes", "field 'minuts': is not a known field"),
    ("01-first/02-b.md", "---\ntitle: B\nslug: b\nminutes: 5\n", "01-first/02-b.md", None,
     "not closed"),
    ("01-first/02-b.md", "---\n- a list\n---\nText\n", "01-first/02-b.md", None, "mapping"),
]


@pytest.mark.parametrize(("relative", "text", "file", "field", "message"), BAD_FILES)
def test_a_bad_file_is_named_with_its_field_and_nothing_is_written(
    app, tmp_path, relative, text, file, field, message
):
    folder = write_course(tmp_path)
    break_file(folder, relative, text)
    with pytest.raises(ContentFileError) as raised:
        load_course_dir(folder)
    error = raised.value
    assert (error.file, error.field) == (f"test-course/{file}", field)
    assert f"test-course/{file}" in str(error) and message in str(error)
    if field:
        assert f"'{field}'" in str(error)
    db.session.rollback()
    assert rows(Course) == rows(Module) == rows(Lesson) == 0


def test_a_bad_edit_leaves_the_loaded_course_as_it_was(app, tmp_path):
    folder = write_course(tmp_path)
    seed_content(tmp_path)
    db.session.commit()
    break_file(folder, "01-first/01-a.md", lesson_md("Lesson A", "a", body="Changed.\n"))
    break_file(folder, "02-second/01-c.md", lesson_md("Lesson C", "c", minutes=9999))
    with pytest.raises(ContentFileError, match="02-second/01-c.md, field 'minutes'"):
        seed_content(tmp_path)
    db.session.rollback()
    assert rows(LessonRevision) == 3
    assert lessons_in(db.session.scalar(select(Course.id)))[0].current_revision.body.startswith(
        "Body of a.")


def test_every_problem_is_reported_at_once(app, tmp_path):
    folder = write_course(tmp_path)
    break_file(folder, "01-first/01-a.md", lesson_md("A", "a", 0))
    break_file(folder, "02-second/01-c.md", lesson_md("C", "c", body=""))
    with pytest.raises(ContentFileError) as raised:
        load_course_dir(folder)
    assert len(raised.value.problems) == 2


def test_a_code_used_by_another_course_is_refused(app, tmp_path):
    write_course(tmp_path)
    db.session.add(Course(code="TST-1", slug="other", title="Other"))
    db.session.commit()
    with pytest.raises(ContentFileError, match="course.md, field 'code'.*already belongs"):
        seed_content(tmp_path)


def test_a_missing_module_file_is_named(app, tmp_path):
    folder = write_course(tmp_path)
    (folder / "03-empty").mkdir()
    with pytest.raises(ContentFileError, match="test-course/03-empty: a module folder needs"):
        load_course_dir(folder)


def test_cli_check_and_load(app, tmp_path):
    folder = write_course(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(content_cli, ["check", str(tmp_path)])
    assert result.exit_code == 0 and "2 modules, 3 lessons" in result.output
    assert rows(Course) == 0
    result = runner.invoke(content_cli, ["load", str(folder), "--draft"])
    assert result.exit_code == 0, result.output
    assert "course created" in result.output
    assert db.session.scalar(select(Course.published)) is False
    result = runner.invoke(content_cli, ["load", str(tmp_path)])
    assert "published" in result.output and db.session.scalar(select(Course.published)) is True
    break_file(folder, "course.md", "---\ntitle: x\n---\n")
    result = runner.invoke(content_cli, ["load", str(tmp_path)])
    assert result.exit_code == 1 and "test-course/course.md, field 'code': is missing" in (
        result.output)
