"""The shipped Level 1 quizzes load from GIFT files, and reload without duplicates."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from modules.content_loader import seed_content
from modules.models import Module
from quizzes.content_loader import CONTENT_ROOT, QuizContentError, seed_quizzes
from quizzes.models import Question, Quiz


def test_every_module_has_a_quiz_pool_of_ten_or_more(db):
    seed_content()
    seed_quizzes()
    db.session.commit()
    modules = db.session.scalars(select(Module)).all()
    assert len(modules) >= 6
    types = set()
    for module in modules:
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        questions = db.session.scalars(select(Question).where(Question.module_id == module.id)).all()
        assert quiz is not None and len(questions) >= 10, module.slug
        assert quiz.draw_count <= len(questions)
        types |= {q.qtype for q in questions}
    assert len(types) >= 4


def test_reloading_changes_nothing_and_an_edit_bumps_one_version(db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    seed_content(root)
    seed_quizzes(root)
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Question))
    assert seed_quizzes(root) == 0
    gift = next(root.glob("*/01-*/questions.gift"))
    gift.write_text(gift.read_text(encoding="utf-8").replace("Which description best defines dry needling?",
                                                             "Which statement best defines dry needling?"),
                    encoding="utf-8")
    assert seed_quizzes(root) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Question)) == count
    assert db.session.scalar(select(func.max(Question.version))) == 2


def test_malformed_quiz_file_names_the_file_and_line(db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    seed_content(root)
    gift = next(root.glob("*/02-*/questions.gift"))
    gift.write_text("::Q1::Fine {T}\n\n::Q2::Broken {=a ~b\n", encoding="utf-8")
    before = db.session.scalar(select(func.count()).select_from(Question))
    with pytest.raises(QuizContentError, match=r"questions\.gift: line 3"):
        seed_quizzes(root)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Question)) == before
