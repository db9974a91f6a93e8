"""Drawing questions by objective: N per objective, or a blueprint of objective -> count.

A pool question examines one or more objectives, so filling "2 on each objective" is a
matching problem (one question may serve only one slot). ``assign`` solves it with
augmenting paths over a shuffled pool, so every attempt is a random draw that covers every
objective whenever the pool allows it, and ``shortfalls`` tells an author, at save and in
the preview, exactly which objective the pool cannot fill.

Objective keys are the module's objective ids (``o1``, ``pneumothorax``) in a module quiz,
and ``"<module slug>:<objective id>"`` in a course's final examination.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from modules.content_cache import course_id_of_module, course_tree_by_id
from modules.models import Module, objective_pairs
from quizzes.content import QuestionContent, pool_modules, question_pool
from quizzes.models import Quiz


@dataclass(frozen=True)
class PoolItem:
    question_id: int
    keys: frozenset[str]


@dataclass(frozen=True)
class Shortfall:
    key: str
    wanted: int
    available: int


@dataclass
class DrawPool:
    """The questions a quiz draws from, the objective keys of each, and every key there is."""

    questions: list[QuestionContent]
    keys: dict[int, frozenset[str]]
    objectives: dict[str, str]  #: key -> objective text, in course order

    def items(self) -> list[PoolItem]:
        return [PoolItem(q.id, self.keys.get(q.id, frozenset())) for q in self.questions]


def quiz_modules(quiz: Quiz) -> list[Module]:
    """The module of a module quiz, or every published module of a final examination's course
    (snapshots from the content cache's course tree)."""
    course_id = quiz.course_id if quiz.course_id is not None else course_id_of_module(quiz.module_id)
    course = course_tree_by_id(course_id) if course_id is not None else None
    modules = course.modules if course is not None else ()
    if quiz.course_id is None:
        return [module for module in modules if module.id == quiz.module_id]
    return [module for module in modules if module.published]


def draw_pool(quiz: Quiz) -> DrawPool:
    """Active questions and their objective keys, from the content cache (a version check)."""
    modules = quiz_modules(quiz)
    final = quiz.course_id is not None
    module_ids = {m.id for m in modules}
    questions = [q for q in question_pool(pool_modules(quiz)).values()
                 if not q.retired and q.module_id in module_ids]
    slugs = {m.id: m.slug for m in modules}
    keys = {
        q.id: frozenset(f"{slugs[q.module_id]}:{o}" if final else o for o in (q.objectives or []))
        for q in questions
    }
    objectives = {
        (f"{m.slug}:{key}" if final else key): text for m in modules for key, text in objective_pairs(m)
    }
    return DrawPool(questions, keys, objectives)


def plan_for(quiz: Quiz, objectives: Sequence[str]) -> dict[str, int]:
    """Slots per objective key: the blueprint, else N for every objective, else nothing."""
    if quiz.blueprint:
        return {str(k): int(v) for k, v in quiz.blueprint.items() if int(v) > 0}
    if quiz.per_objective:
        return dict.fromkeys(objectives, quiz.per_objective)
    return {}


def assign(plan: Mapping[str, int], items: Sequence[PoolItem], rng: random.Random) -> list[int] | None:
    """Question ids filling every slot of ``plan`` (each used once), or None if impossible."""
    order = list(items)
    rng.shuffle(order)
    slots = [key for key, count in plan.items() for _ in range(count)]
    holder: dict[int, int] = {}  # question id -> slot index

    def place(slot: int, seen: set[int]) -> bool:
        for item in order:
            if slots[slot] in item.keys and item.question_id not in seen:
                seen.add(item.question_id)
                if item.question_id not in holder or place(holder[item.question_id], seen):
                    holder[item.question_id] = slot
                    return True
        return False

    for slot in range(len(slots)):
        if not place(slot, set()):
            return None
    return sorted(holder, key=lambda question_id: holder[question_id])


def shortfalls(plan: Mapping[str, int], items: Sequence[PoolItem]) -> list[Shortfall]:
    """Objectives with fewer tagged questions than asked for (the common, nameable problem)."""
    return [
        Shortfall(key, wanted, available)
        for key, wanted in plan.items()
        if (available := sum(1 for item in items if key in item.keys)) < wanted
    ]


def plan_problem(quiz: Quiz, pool: DrawPool) -> str | None:
    """Why this quiz's blueprint cannot be drawn from its pool, or None when it can."""
    plan = plan_for(quiz, list(pool.objectives))
    if not plan:
        return None
    unknown = [key for key in plan if key not in pool.objectives]
    if unknown:
        return f"'{unknown[0]}' is not an objective here (objectives: {', '.join(pool.objectives) or 'none'})."
    short = shortfalls(plan, pool.items())
    if short:
        first = short[0]
        return (f"The pool cannot fill the blueprint: '{first.key}' asks for {first.wanted} question(s) "
                f"but only {first.available} examine it.")
    if assign(plan, pool.items(), random.Random(0)) is None:
        return ("The pool cannot fill the blueprint: questions that examine several objectives cannot "
                "cover them all at once; add questions or lower the counts.")
    if quiz.draw_count and quiz.draw_count < sum(plan.values()):
        return f"The blueprint draws {sum(plan.values())} questions, more than the {quiz.draw_count} drawn per attempt."
    return None
