"""A small published course whose first module has a quiz with one question of each type."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from modules.models import Course, Lesson, Module
from modules.services import save_revision
from quizzes.models import Question, Quiz
from quizzes.questions import import_gift
from tests import factories

GIFT = """
::Single::[markdown]Which needle is used for dry needling? {
=Filiform #Right.
~Hypodermic #That one is hollow.
~Suture #No.
}

::Multiple::[markdown]Which are trigger point criteria? {
~%50%Taut band
~%50%Referred pain
~%-100%Fever
}

::TF::[markdown]Gloves are needed when contact with body fluids is expected. {T}

::Numeric::[markdown]How many contact hours make one CEU? {#10:0}

::Short::[markdown]Name the container for used needles. {=sharps container =sharps bin}

::Matching::[markdown]Match the term. {
=Active -> reproduces symptoms
=Latent -> does not reproduce symptoms
=Taut band -> palpable rope-like fibres
}
"""

#: answers that score full marks, keyed by question title, as the attempt page would post them
#: (choice questions post positions; tests map them through the layout)
CORRECT_TEXT = {
    "Single": ["Filiform"],
    "Multiple": ["Taut band", "Referred pain"],
    "TF": ["True"],
}


@dataclass
class QuizCourse:
    course: Course
    module1: Module
    module2: Module
    lesson1: Lesson
    lesson2: Lesson
    quiz: Quiz


@pytest.fixture
def quiz_course(db):
    """Course with module 1 (one lesson + quiz of six questions) and module 2 (one lesson)."""

    def make(slug: str = "quiz-course", **quiz_settings) -> QuizCourse:
        course = Course(code=slug.upper()[:20], slug=slug, title="Quiz course", provider="P",
                        published=True, seat_time_percent=0)
        module1 = Module(position=1, slug="m1", title="Module one")
        module2 = Module(position=2, slug="m2", title="Module two")
        course.modules = [module1, module2]
        lesson1 = Lesson(position=1, slug="l1", title="Lesson one", minutes=10)
        lesson2 = Lesson(position=1, slug="l2", title="Lesson two", minutes=10)
        module1.lessons = [lesson1]
        module2.lessons = [lesson2]
        db.session.add(course)
        db.session.flush()
        save_revision(lesson1, "Lesson one", "Body one")
        save_revision(lesson2, "Lesson two", "Body two")
        import_gift(module1.id, GIFT)
        settings = {"title": "Module one quiz", "pass_mark": 80, "grading_method": "highest",
                    "shuffle_questions": True, "shuffle_choices": True, "review_policy": "after_attempt"}
        settings.update(quiz_settings)
        quiz = Quiz(module_id=module1.id, **settings)
        db.session.add(quiz)
        db.session.commit()
        return QuizCourse(course, module1, module2, lesson1, lesson2, quiz)

    return make


def enrol(db, user, course, *, lessons_done: bool = True) -> None:
    """Enrol ``user``; unless told otherwise, with module 1's lessons read, so its quiz opens."""
    factories.enrol(user, course, first_module_read=lessons_done)


def full_marks_form(db, attempt) -> dict[str, list[str]]:
    """The form values a trainee who knows every answer would post for ``attempt``."""
    form: dict[str, list[str]] = {}
    for entry in attempt.layout:
        question = db.session.get(Question, entry["question_id"])
        name = f"q{question.id}"
        choices = {c["id"]: c["text"] for c in question.data["choices"]}
        if question.title in CORRECT_TEXT:
            wanted = CORRECT_TEXT[question.title]
            form[name] = [str(i) for i, cid in enumerate(entry["choice_order"], 1) if choices[cid] in wanted]
        elif question.qtype == "numeric":
            form[name] = ["10"]
        elif question.qtype == "short":
            form[name] = ["  Sharps   CONTAINER "]
        elif question.qtype == "matching":
            form[name] = [f"{p['id']}={p['answer']}" for p in question.data["pairs"]]
    return form
