"""Loads the shipped quizzes: each module folder's ``quiz:`` settings and ``questions.gift``.

Questions are matched to the pool by title, so loading again after an edit updates the
changed questions (bumping their version), adds new ones and retires the ones removed from
the file, without duplicating anything. Every file is parsed before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import frontmatter
from sqlalchemy import select

from modules.models import Course, Module
from quizzes.gift import GiftError, parse_gift
from quizzes.models import Question, Quiz
from quizzes.options import QUIZ_DEFAULTS, GradingMethod, ReviewPolicy
from quizzes.questions import add_question, apply_spec, check_spec
from quizzes.services import save_quiz_settings, set_question_retired
from quizzes.spec import QuestionSpec
from training.audit import record_event
from training.extensions import db

CONTENT_ROOT = Path(__file__).resolve().parent.parent / "modules" / "content"
REVIEW_POLICIES = tuple(ReviewPolicy)


class QuizContentError(ValueError):
    """A quiz file is malformed; the message names the file and what is wrong."""


@dataclass
class ModuleQuiz:
    course_slug: str
    module_slug: str
    settings: dict
    questions: list[QuestionSpec]


def read_module_quiz(course_slug: str, module_dir: Path, root: Path) -> ModuleQuiz | None:
    meta = frontmatter.load(module_dir / "module.md").metadata
    gift_path = module_dir / "questions.gift"
    if "quiz" not in meta and not gift_path.exists():
        return None
    where = gift_path.relative_to(root)
    settings = meta.get("quiz") or {}
    if not isinstance(settings, dict):
        raise QuizContentError(f"{module_dir.relative_to(root)}/module.md: 'quiz' must be a mapping")
    try:
        questions = parse_gift(gift_path.read_text(encoding="utf-8"))
        for spec in questions:
            check_spec(spec)
    except GiftError as err:
        raise QuizContentError(f"{where}: line {err.line}: {err.reason}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise QuizContentError(f"{where}: {err}") from err
    except ValueError as err:
        raise QuizContentError(f"{where}: {err}") from err
    titles = [q.title for q in questions]
    if any(not t for t in titles) or len(set(titles)) != len(titles):
        raise QuizContentError(f"{where}: every question needs a unique ::title:: to be re-loadable")
    _check_settings(settings, len(questions), module_dir.relative_to(root) / "module.md")
    return ModuleQuiz(course_slug, meta.get("slug", ""), settings, questions)


def _check_settings(settings: dict, pool_size: int, where: Path) -> None:
    def number(key: str, low: int, high: int, optional: bool = True) -> None:
        value = settings.get(key)
        if value is None and optional:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise QuizContentError(f"{where}: quiz.{key} must be a whole number from {low} to {high}")

    number("pass_mark", 1, 100)
    number("attempts_allowed", 1, 100)
    number("time_limit_minutes", 1, 600)
    number("draw_count", 1, max(pool_size, 1))
    if settings.get("grading_method", QUIZ_DEFAULTS["grading_method"]) not in tuple(GradingMethod):
        raise QuizContentError(f"{where}: quiz.grading_method must be one of {', '.join(GradingMethod)}")
    if settings.get("review", QUIZ_DEFAULTS["review_policy"]) not in REVIEW_POLICIES:
        raise QuizContentError(f"{where}: quiz.review must be one of {', '.join(REVIEW_POLICIES)}")


def seed_quizzes(root: Path = CONTENT_ROOT) -> int:
    """Load every module quiz under ``root``; returns how many questions were added or changed."""
    plans = []
    for course_dir in sorted(p for p in root.iterdir() if (p / "course.md").exists()):
        course_slug = frontmatter.load(course_dir / "course.md").metadata.get("slug", "")
        for module_dir in sorted(p for p in course_dir.iterdir() if (p / "module.md").exists()):
            plan = read_module_quiz(course_slug, module_dir, root)
            if plan is not None:
                plans.append(plan)
    return sum(_apply(plan) for plan in plans)


def _apply(plan: ModuleQuiz) -> int:
    module = db.session.scalar(
        select(Module).join(Course).where(Course.slug == plan.course_slug, Module.slug == plan.module_slug)
    )
    if module is None:
        raise QuizContentError(f"module {plan.course_slug}/{plan.module_slug} is not loaded")
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id)) or Quiz(module_id=module.id)
    s = plan.settings
    save_quiz_settings(quiz, {
        "title": s.get("title") or f"{module.title} quiz",
        "pass_mark": s.get("pass_mark", QUIZ_DEFAULTS["pass_mark"]),
        "attempts_allowed": s.get("attempts_allowed", QUIZ_DEFAULTS["attempts_allowed"]),
        "grading_method": s.get("grading_method", QUIZ_DEFAULTS["grading_method"]),
        "time_limit_minutes": s.get("time_limit_minutes", QUIZ_DEFAULTS["time_limit_minutes"]),
        "shuffle_questions": bool(s.get("shuffle", QUIZ_DEFAULTS["shuffle_questions"])),
        "shuffle_choices": bool(s.get("shuffle", QUIZ_DEFAULTS["shuffle_choices"])),
        "draw_count": s.get("draw_count", QUIZ_DEFAULTS["draw_count"]),
        "review_policy": s.get("review", QUIZ_DEFAULTS["review_policy"]),
    })
    existing = {q.title: q for q in db.session.scalars(select(Question).where(Question.module_id == module.id))}
    touched, added = 0, []
    for spec in plan.questions:
        question = existing.pop(spec.title, None)
        if question is None:
            added.append(add_question(module.id, spec))
            touched += 1
        else:
            set_question_retired(question, False)
            touched += apply_spec(question, spec)
    for leftover in existing.values():
        set_question_retired(leftover, True)
    db.session.flush()
    if added:
        record_event("questions.imported", f"module:{module.id}",
                     {"format": "curriculum", "count": len(added), "question_ids": [q.id for q in added]})
    return touched
