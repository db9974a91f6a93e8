"""The shipped course maps its questions to the lessons that teach them: in the modules whose
lessons name objectives, every question has a lesson to revise; the muscle-by-muscle modules
teach every objective in every lesson, so their questions send the trainee to the module."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.content_loader import seed_content
from modules.models import Course, Module
from quizzes.content_loader import seed_quizzes
from quizzes.models import Question
from quizzes.review import teaching
from training.extensions import db

#: the modules that teach objective by objective, lesson by lesson
MAPPED = {"what-is-dry-needling", "anatomy-and-danger-zones", "myofascial-trigger-points", "safe-insertion",
          "risks-and-contraindications", "clinical-applications"}


def test_every_question_of_the_mapped_modules_links_a_lesson(app):
    seed_content()
    seed_quizzes()
    db.session.commit()
    course = db.session.scalar(select(Course).options(selectinload(Course.modules).selectinload(Module.lessons)))
    modules = {module.id: module for module in course.modules}
    questions = db.session.scalars(select(Question).where(Question.module_id.in_(modules))).all()
    assert len(questions) > 150
    checked = set()
    for question in questions:
        module = modules[question.module_id]
        taught = teaching(question, modules)
        assert question.objectives, question.title
        if module.slug in MAPPED:
            assert taught.lessons, f"{module.slug}: {question.title} ({question.objectives})"
            checked.add(module.slug)
        else:
            assert taught.lessons == [] and taught.first_lesson_id == module.lessons[0].id
    assert checked == MAPPED
    # every lesson of a mapped module teaches something its questions examine
    for module in course.modules:
        if module.slug in MAPPED:
            assert all(lesson.objectives for lesson in module.lessons), module.slug
