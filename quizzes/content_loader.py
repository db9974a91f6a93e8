"""Loads the shipped quizzes: each module's ``quiz:`` settings, ``questions.gift`` and
``hotspots.json``, and the course's ``final_exam:`` settings from ``course.md``.

Questions are matched to the pool by title (a hotspot's ``name``), so loading again after an
edit updates the changed questions (bumping their version), adds new ones and retires the ones
removed from the files, without duplicating anything. Every file is parsed and checked, and
every blueprint checked against its pool, before anything is written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
from sqlalchemy import select

from modules.content_parts import read_objectives
from modules.media.body_charts import BODY_CHARTS
from modules.models import Course, Module
from quizzes.blueprint import PoolItem, assign, shortfalls
from quizzes.gift import GiftError, parse_gift
from quizzes.hotspot_exchange import resolve_chart
from quizzes.hotspot_json import question_from_json, read_hotspot_items
from quizzes.models import Question, Quiz
from quizzes.options import QUIZ_DEFAULTS, GradingMethod, ReviewPolicy
from quizzes.questions import check_spec, record_import, upsert_questions
from quizzes.services import set_question_retired
from quizzes.settings import save_quiz_settings
from quizzes.spec import QuestionSpec
from training.extensions import db

CONTENT_ROOT = Path(__file__).resolve().parent.parent / "modules" / "content"
REVIEW_POLICIES = tuple(ReviewPolicy)
FINAL_EXAM_KEYS = {"title", "pass_mark", "attempts_allowed", "time_limit_minutes", "review", "per_objective",
                   "blueprint", "draw_count", "grading_method", "shuffle"}


class QuizContentError(ValueError):
    """A quiz file is malformed; the message names the file and what is wrong."""


@dataclass
class ModuleQuiz:
    course_slug: str
    module_slug: str
    settings: dict
    questions: list[QuestionSpec]
    hotspots: list[tuple[QuestionSpec, str]] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)


@dataclass
class FinalExamPlan:
    course_slug: str
    settings: dict


def _objective_ids(meta: dict, where: Path) -> list[str]:
    problems: list[str] = []
    ids, _texts = read_objectives(meta.get("objectives"), problems.append)
    if problems:
        raise QuizContentError(f"{where}: objectives: {problems[0]}")
    return ids


def read_module_quiz(course_slug: str, module_dir: Path, root: Path) -> ModuleQuiz | None:
    meta = frontmatter.load(module_dir / "module.md").metadata
    gift_path = module_dir / "questions.gift"
    hotspot_path = module_dir / "hotspots.json"
    if "quiz" not in meta and not gift_path.exists() and not hotspot_path.exists():
        return None
    where = gift_path.relative_to(root)
    settings = meta.get("quiz") or {}
    if not isinstance(settings, dict):
        raise QuizContentError(f"{module_dir.relative_to(root)}/module.md: 'quiz' must be a mapping")
    objectives = _objective_ids(meta, module_dir.relative_to(root) / "module.md")
    questions: list[QuestionSpec] = []
    if gift_path.exists():
        try:
            questions = parse_gift(gift_path.read_text(encoding="utf-8"))
            for spec in questions:
                check_spec(spec)
                for objective in spec.objectives:
                    if objective not in objectives:
                        line = spec.tag_lines.get(objective, spec.source_line)
                        raise GiftError(line, f"unknown objective '{objective}' (module.md lists "
                                              f"{', '.join(objectives)})")
        except GiftError as err:
            raise QuizContentError(f"{where}: line {err.line}: {err.reason}") from err
        except (OSError, UnicodeDecodeError) as err:
            raise QuizContentError(f"{where}: {err}") from err
        except ValueError as err:
            raise QuizContentError(f"{where}: {err}") from err
    hotspots = read_hotspots(hotspot_path, objectives, root) if hotspot_path.exists() else []
    titles = [q.title for q in questions] + [spec.title for spec, _ in hotspots]
    if any(not t for t in titles) or len(set(titles)) != len(titles):
        raise QuizContentError(f"{where}: every question needs a unique ::title:: (and hotspot name) "
                               "to be re-loadable")
    pool = [PoolItem(i, frozenset(s.objectives)) for i, s in enumerate(questions + [h for h, _ in hotspots])]
    _check_settings(settings, pool, objectives, module_dir.relative_to(root) / "module.md", "quiz")
    return ModuleQuiz(course_slug, meta.get("slug", ""), settings, questions, hotspots, objectives)


def read_hotspots(path: Path, objectives: list[str], root: Path) -> list[tuple[QuestionSpec, str]]:
    """The module's hotspot questions and the body chart each names; checked, nothing written."""
    where = path.relative_to(root)
    try:
        items = read_hotspot_items(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise QuizContentError(f"{where}: {err}") from err
    result = []
    for number, item in enumerate(items, start=1):
        try:
            spec, chart = question_from_json(item)
            if chart not in BODY_CHARTS:
                raise ValueError(f"chart '{chart}' is not a body chart ({', '.join(BODY_CHARTS)})")
            unknown = [o for o in spec.objectives if o not in objectives]
            if unknown:
                raise ValueError(f"unknown objective '{unknown[0]}' (module.md lists {', '.join(objectives)})")
            spec.image, spec.aspect = f"{chart}.svg", 1.0  # resolved to the library image when loaded
            check_spec(spec)
        except ValueError as err:
            raise QuizContentError(f"{where}: question {number}: {err}") from err
        result.append((spec, chart))
    return result


def _check_settings(settings: dict, pool: list[PoolItem], objectives: list[str], where: Path, key: str) -> None:
    def number(name: str, low: int, high: int) -> None:
        value = settings.get(name)
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise QuizContentError(f"{where}: {key}.{name} must be a whole number from {low} to {high}")

    number("pass_mark", 1, 100)
    number("attempts_allowed", 1, 100)
    number("time_limit_minutes", 1, 600)
    number("draw_count", 1, max(len(pool), 1))
    number("per_objective", 1, 50)
    if settings.get("grading_method", QUIZ_DEFAULTS["grading_method"]) not in tuple(GradingMethod):
        raise QuizContentError(f"{where}: {key}.grading_method must be one of {', '.join(GradingMethod)}")
    if settings.get("review", QUIZ_DEFAULTS["review_policy"]) not in REVIEW_POLICIES:
        raise QuizContentError(f"{where}: {key}.review must be one of {', '.join(REVIEW_POLICIES)}")
    plan = _plan(settings, objectives, where, key)
    short = shortfalls(plan, pool)
    if short:
        raise QuizContentError(f"{where}: {key}: objective '{short[0].key}' asks for {short[0].wanted} "
                               f"question(s) but the pool has {short[0].available} that examine it")
    if plan and assign(plan, pool, random.Random(0)) is None:
        raise QuizContentError(f"{where}: {key}: the pool cannot fill every objective at once")
    if plan and settings.get("draw_count") and settings["draw_count"] < sum(plan.values()):
        raise QuizContentError(f"{where}: {key}.draw_count is smaller than the {sum(plan.values())} "
                               "questions the objectives ask for")


def _plan(settings: dict, objectives: list[str], where: Path, key: str) -> dict[str, int]:
    blueprint = settings.get("blueprint")
    if blueprint is not None:
        if not isinstance(blueprint, dict) or not blueprint:
            raise QuizContentError(f"{where}: {key}.blueprint must map objective ids to counts")
        for objective, count in blueprint.items():
            if str(objective) not in objectives:
                raise QuizContentError(f"{where}: {key}.blueprint: unknown objective '{objective}'")
            if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 50:
                raise QuizContentError(f"{where}: {key}.blueprint: '{objective}' needs a count from 1 to 50")
        if settings.get("per_objective"):
            raise QuizContentError(f"{where}: {key}: give per_objective or blueprint, not both")
        return {str(k): v for k, v in blueprint.items()}
    if settings.get("per_objective"):
        return dict.fromkeys(objectives, settings["per_objective"])
    return {}


def read_final_exam(course_dir: Path, modules: list[ModuleQuiz], root: Path) -> FinalExamPlan | None:
    """The ``final_exam:`` settings of ``course.md``, checked against every module's pool."""
    meta = frontmatter.load(course_dir / "course.md").metadata
    settings = meta.get("final_exam")
    if settings is None:
        return None
    where = course_dir.relative_to(root) / "course.md"
    if not isinstance(settings, dict):
        raise QuizContentError(f"{where}: final_exam must be a mapping")
    unknown = sorted(set(map(str, settings)) - FINAL_EXAM_KEYS)
    if unknown:
        raise QuizContentError(f"{where}: final_exam.{unknown[0]} is not a known setting")
    keys = [f"{m.module_slug}:{o}" for m in modules for o in m.objectives]
    pool = [
        PoolItem(i, frozenset(f"{m.module_slug}:{o}" for o in spec.objectives))
        for i, (m, spec) in enumerate((m, s) for m in modules for s in m.questions + [h for h, _ in m.hotspots])
    ]
    _check_settings(settings, pool, keys, where, "final_exam")
    return FinalExamPlan(meta.get("slug", ""), settings)


def seed_quizzes(root: Path = CONTENT_ROOT) -> int:
    """Load every module quiz and final examination under ``root``; returns how many questions changed."""
    plans, finals = [], []
    for course_dir in sorted(p for p in root.iterdir() if (p / "course.md").exists()):
        course_slug = frontmatter.load(course_dir / "course.md").metadata.get("slug", "")
        course_plans = []
        for module_dir in sorted(p for p in course_dir.iterdir() if (p / "module.md").exists()):
            plan = read_module_quiz(course_slug, module_dir, root)
            if plan is not None:
                course_plans.append(plan)
        plans += course_plans
        if (final := read_final_exam(course_dir, course_plans, root)) is not None:
            finals.append(final)
    touched = sum(_apply(plan) for plan in plans)
    for final in finals:
        _apply_final(final)
    db.session.flush()
    return touched


def _apply_settings(quiz: Quiz, s: dict, default_title: str,
                    default_review: str = QUIZ_DEFAULTS["review_policy"]) -> None:
    """The settings written in the content files, the quiz defaults where they are silent (audited)."""
    save_quiz_settings(quiz, {
        "title": s.get("title") or default_title,
        "pass_mark": s.get("pass_mark", QUIZ_DEFAULTS["pass_mark"]),
        "attempts_allowed": s.get("attempts_allowed", QUIZ_DEFAULTS["attempts_allowed"]),
        "grading_method": s.get("grading_method", QUIZ_DEFAULTS["grading_method"]),
        "time_limit_minutes": s.get("time_limit_minutes", QUIZ_DEFAULTS["time_limit_minutes"]),
        "shuffle_questions": bool(s.get("shuffle", QUIZ_DEFAULTS["shuffle_questions"])),
        "shuffle_choices": bool(s.get("shuffle", QUIZ_DEFAULTS["shuffle_choices"])),
        "draw_count": s.get("draw_count", QUIZ_DEFAULTS["draw_count"]),
        "per_objective": s.get("per_objective", QUIZ_DEFAULTS["per_objective"]),
        "blueprint": {str(k): v for k, v in s["blueprint"].items()} if s.get("blueprint") else None,
        "review_policy": s.get("review", default_review),
    })


def _apply(plan: ModuleQuiz) -> int:
    module = db.session.scalar(
        select(Module).join(Course).where(Course.slug == plan.course_slug, Module.slug == plan.module_slug)
    )
    if module is None:
        raise QuizContentError(f"module {plan.course_slug}/{plan.module_slug} is not loaded")
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id)) or Quiz(module_id=module.id)
    existing = {q.title: q for q in db.session.scalars(select(Question).where(Question.module_id == module.id))}
    for spec, chart in plan.hotspots:
        resolve_chart(module.course_id, spec, chart)
    touched, added = upsert_questions(module, list(plan.questions) + [spec for spec, _ in plan.hotspots], existing)
    for leftover in existing.values():
        set_question_retired(leftover, True)
    db.session.flush()
    record_import(module.id, "curriculum", added)
    _apply_settings(quiz, plan.settings, f"{module.title} quiz")  # after the pool: its draw is checked
    return touched


def _apply_final(plan: FinalExamPlan) -> None:
    course = db.session.scalar(select(Course).where(Course.slug == plan.course_slug))
    if course is None:
        raise QuizContentError(f"course {plan.course_slug} is not loaded")
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id)) or Quiz(course_id=course.id)
    _apply_settings(quiz, plan.settings, f"{course.title}: final examination", ReviewPolicy.ONCE_PASSED.value)
