"""The content file formats for objectives, tags, blueprints, hotspots, figures and final exams."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import func, select

from modules.content_loader import ContentFileError, load_course_dir, seed_content
from modules.media.models import MediaAsset, MediaUse
from modules.models import Lesson, Module
from quizzes.content_loader import CONTENT_ROOT, QuizContentError, seed_quizzes
from quizzes.models import Question, Quiz
from tests.modules.test_content_loader import lesson_md, write_course

OBJECTIVES = "objectives:\n  - Plain first objective\n  - {id: pleura, text: Protect the pleura}\n"
GIFT = ("// [tag:objective:o1]\n::Q1::One? {T}\n\n// [tag:objective:pleura]\n::Q2::Two? {T}\n\n"
        "// [tag:objective:pleura]\n// [tag:objective:o1]\n::Q3::Three? {F}\n")
HOTSPOTS = [{
    "name": "H1", "prompt": "Mark the lung apex.", "chart": "neck-shoulder", "objectives": ["pleura"],
    "points": 1, "max_marks": 1, "feedback": "Medial to the scapula.",
    "zones": [{"label": "Apex", "weight": 100, "shape": "circle", "cx": 40, "cy": 55, "r": 6}],
}]


def course_with_objectives(tmp_path, quiz: str = "quiz:\n  title: Quiz\n  per_objective: 1\n", final: str = ""):
    root = tmp_path / "content"
    folder = write_course(root)
    module = folder / "01-first"
    (module / "module.md").write_text(f'---\ntitle: "First"\nslug: first\n{OBJECTIVES}{quiz}---\nIntro.\n')
    (module / "questions.gift").write_text(GIFT)
    (module / "hotspots.json").write_text(json.dumps(HOTSPOTS))
    if final:
        text = (folder / "course.md").read_text().replace("---\nWhat", f"{final}---\nWhat")
        (folder / "course.md").write_text(text)
    return root, folder


def test_objectives_tags_hotspots_and_per_objective_load(db, tmp_path):
    root, folder = course_with_objectives(tmp_path)
    load_course_dir(folder)
    seed_quizzes(root)
    db.session.commit()
    module = db.session.scalar(select(Module).where(Module.slug == "first"))
    assert module.objective_ids == ["o1", "pleura"]
    assert module.objectives == ["Plain first objective", "Protect the pleura"]
    by_title = {q.title: q for q in db.session.scalars(select(Question))}
    assert by_title["Q3"].objectives == ["pleura", "o1"]
    hotspot = by_title["H1"]
    assert hotspot.qtype == "hotspot" and hotspot.objectives == ["pleura"]
    chart = db.session.scalar(select(MediaAsset).where(MediaAsset.name == "neck-shoulder.svg"))
    assert hotspot.data["image"] == chart.filename and hotspot.data["aspect"] == pytest.approx(4 / 3, abs=1e-5)
    assert db.session.scalar(select(MediaUse).where(MediaUse.question_id == hotspot.id)) is not None
    assert db.session.scalar(select(Quiz)).per_objective == 1
    assert seed_quizzes(root) == 0  # loading again changes nothing


@pytest.mark.parametrize(("quiz", "message"), [
    ("quiz:\n  per_objective: 5\n", "objective 'o1' asks for 5 question(s) but the pool has 2"),
    ("quiz:\n  blueprint: {pleura: 4}\n", "objective 'pleura' asks for 4"),
    ("quiz:\n  blueprint: {nerves: 1}\n", "unknown objective 'nerves'"),
    ("quiz:\n  blueprint: {o1: 2, pleura: 3}\n", "cannot fill every objective at once"),
])
def test_blueprints_the_pool_cannot_fill_are_refused(db, tmp_path, quiz, message):
    root, folder = course_with_objectives(tmp_path, quiz)
    load_course_dir(folder)
    with pytest.raises(QuizContentError, match="module.md") as err:
        seed_quizzes(root)
    assert message in str(err.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_unknown_objective_tag_names_file_and_line(db, tmp_path):
    root, folder = course_with_objectives(tmp_path)
    (folder / "01-first" / "questions.gift").write_text("::Q1::One? {T}\n\n// [tag:objective:nerves]\n::Q2::Two? {T}\n")
    load_course_dir(folder)
    with pytest.raises(QuizContentError, match=r"01-first/questions\.gift: line 3: unknown objective 'nerves'"):
        seed_quizzes(root)


@pytest.mark.parametrize(("change", "message"), [
    ({"chart": "thorax"}, "chart 'thorax' is not a body chart"),
    ({"objectives": ["nope"]}, "unknown objective 'nope'"),
    ({"zones": [{"label": "x", "weight": 100, "shape": "circle", "cx": 40, "cy": 200, "r": 5}]}, "percentages"),
    ({"colour": "red"}, "unknown field"),
])
def test_bad_hotspot_file_is_refused(db, tmp_path, change, message):
    root, folder = course_with_objectives(tmp_path)
    (folder / "01-first" / "hotspots.json").write_text(json.dumps([{**HOTSPOTS[0], **change}]))
    load_course_dir(folder)
    with pytest.raises(QuizContentError, match=r"hotspots\.json: question 1") as err:
        seed_quizzes(root)
    assert message in str(err.value)


def test_bad_objectives_are_named(db, tmp_path):
    root, folder = course_with_objectives(tmp_path)
    (folder / "01-first" / "module.md").write_text(
        '---\ntitle: "First"\nslug: first\nobjectives:\n  - {id: "bad id", text: X}\n  - {id: a, text: Y}\n'
        '  - {id: a, text: Z}\n---\nIntro.\n')
    with pytest.raises(ContentFileError) as err:
        load_course_dir(folder)
    assert "item 1: each mapping needs exactly a slug-shaped 'id'" in str(err.value)
    assert "the id 'a' is used twice" in str(err.value)


def test_lesson_figures_are_imported_into_the_library(db, tmp_path):
    root, folder = course_with_objectives(tmp_path)
    (folder / "figures").mkdir()
    shutil.copy(CONTENT_ROOT / "body-charts" / "front.svg", folder / "figures" / "front.svg")
    body = 'Text.\n\n![Anterior view of the body](figures/front.svg "Figure 1. Front")\n'
    (folder / "01-first" / "01-a.md").write_text(lesson_md("Lesson A", "a", body=body))
    summary = load_course_dir(folder)
    db.session.commit()
    assert summary.modules_created == 2  # figures/ is not a module
    asset = db.session.scalar(select(MediaAsset))
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "a"))
    assert f"/media/{asset.filename}" in lesson.current_revision.body
    assert "<figcaption>Figure 1. Front</figcaption>" in lesson.current_revision.html
    assert load_course_dir(folder).revisions_created == 0  # the same file is the same asset


@pytest.mark.parametrize(("body", "files", "message"), [
    ("![](figures/front.svg)", {"front.svg": "ok"}, "has no alt text"),
    ("![A chart](figures/missing.svg)", {}, "figures/missing.svg does not exist"),
    ("![A chart](../secret.svg)", {}, "must be a file in the course's figures/ folder"),
    ("![A chart](figures/evil.svg)", {"evil.svg": "evil"}, "figures/evil.svg: The SVG contains a <script>"),
])
def test_bad_figures_are_refused_and_nothing_is_written(db, tmp_path, body, files, message):
    root, folder = course_with_objectives(tmp_path)
    (folder / "figures").mkdir()
    for name, kind in files.items():
        source = (CONTENT_ROOT / "body-charts" / "front.svg").read_text()
        if kind == "evil":
            source = source.replace("<title>", "<script>alert(1)</script><title>")
        (folder / "figures" / name).write_text(source)
    (folder / "01-first" / "01-a.md").write_text(lesson_md("Lesson A", "a", body=f"Text.\n\n{body}\n"))
    with pytest.raises(ContentFileError) as err:
        load_course_dir(folder)
    db.session.rollback()
    assert message in str(err.value) and "01-first/01-a.md" in str(err.value)
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 0
    assert db.session.scalar(select(func.count()).select_from(MediaAsset)) == 0


def test_final_exam_settings_load_and_are_checked_against_every_pool(db, tmp_path):
    final = ('final_exam:\n  title: Final\n  pass_mark: 75\n  attempts_allowed: 2\n  time_limit_minutes: 40\n'
             '  review: once_passed\n  blueprint: {"first:pleura": 2, "first:o1": 1}\n')
    root, folder = course_with_objectives(tmp_path, final=final)
    load_course_dir(folder)
    seed_quizzes(root)
    db.session.commit()
    exam = db.session.scalar(select(Quiz).where(Quiz.course_id.is_not(None)))
    assert (exam.title, exam.pass_mark, exam.attempts_allowed, exam.time_limit_minutes, exam.review_policy) == (
        "Final", 75, 2, 40, "once_passed")
    assert exam.blueprint == {"first:pleura": 2, "first:o1": 1} and exam.module_id is None
    too_big = final.replace('"first:pleura": 2', '"first:pleura": 9')
    root2, folder2 = course_with_objectives(tmp_path / "two", final=too_big)
    with pytest.raises(QuizContentError, match=r"course\.md: final_exam: objective 'first:pleura' asks for 9"):
        seed_quizzes(root2)


def test_shipped_course_uses_the_new_features(db):
    seed_content()
    seed_quizzes()
    db.session.commit()
    quizzes = db.session.scalars(select(Quiz).where(Quiz.module_id.is_not(None))).all()
    assert any(q.per_objective or q.blueprint for q in quizzes)
    hotspots = db.session.scalars(select(Question).where(Question.qtype == "hotspot")).all()
    assert len(hotspots) >= 2 and all(q.objectives for q in hotspots)
    charts = {a.filename: a for a in db.session.scalars(select(MediaAsset))}
    assert all(q.data["image"] in charts for q in hotspots)
    tagged = [q for q in db.session.scalars(select(Question)) if q.qtype != "hotspot" and q.objectives]
    assert tagged  # GIFT objective tags
    revisions = [lesson.current_revision.html for lesson in db.session.scalars(select(Lesson))]
    assert any('<figure class="lesson-figure">' in html for html in revisions)
    exam = db.session.scalar(select(Quiz).where(Quiz.course_id.is_not(None)))
    assert exam is not None and (exam.per_objective or exam.blueprint)
