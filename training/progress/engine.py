"""The completion engine: one pure evaluator, fed by the registered step providers.

Every page and rule that needs to know where a trainee stands in a course (the dashboard,
the course and lesson pages, the quiz result, the cohort grid, the certificate check and the
auditor's record) calls ``course_progress`` or ``cohort_progress`` here, so they cannot
disagree. ``evaluate`` is pure: it takes the course's shape (its published modules in order)
and the ``StepState`` values the providers produced, and decides what is done, locked and
left, the percentage, completion and the one "Continue" target. Loading is separate: each
provider's ``load`` runs once per course for a whole batch of trainees, so a cohort of 200
costs the same number of queries as a cohort of 5.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import current_app

from training.steps import Gate, StepKind, StepState, Target, registered_providers

#: steps a trainee completes online; the others are recorded by instructors or on site
ONLINE_KINDS = frozenset({StepKind.LESSON, StepKind.QUIZ, StepKind.FINAL_EXAM})
#: the steps that decide whether an online step is locked: the module steps (a module opens when
#: every step of the modules before it is done, a quiz when its module's lessons are) and the
#: final examination (after every module). The practical's course-level steps gate nothing.
LOCK_KINDS = ONLINE_KINDS
#: the providers of module steps: all that decides whether a module (and its quiz) is locked
MODULE_STEP_KINDS = frozenset({StepKind.LESSON, StepKind.QUIZ})


@dataclass(frozen=True)
class ModuleShape:
    """What the evaluator needs of a module: its identity and place in the course."""

    id: int
    title: str
    number: int


def course_shape(course: Any) -> list[ModuleShape]:
    """The published modules of ``course`` (already loaded) in order, numbered from 1."""
    modules = [m for m in course.modules if m.published]
    return [ModuleShape(m.id, m.title, number) for number, m in enumerate(modules, start=1)]


@dataclass(frozen=True)
class Step:
    """A step as the evaluator decided it: the provider's state plus whether it is locked."""

    state: StepState
    locked: bool

    @property
    def key(self) -> str:
        return self.state.key

    @property
    def kind(self) -> StepKind:
        return self.state.kind

    @property
    def title(self) -> str:
        return self.state.title

    @property
    def done(self) -> bool:
        return self.state.done

    @property
    def detail(self) -> str:
        return self.state.detail

    @property
    def target(self) -> Target | None:
        return self.state.target

    @property
    def evidence(self):
        return self.state.evidence

    @property
    def open(self) -> bool:
        """Not done, not locked, and somewhere to go to do it."""
        return not self.done and not self.locked and self.target is not None


@dataclass(frozen=True)
class ModuleProgress:
    module: ModuleShape
    steps: tuple[Step, ...]
    locked: bool

    @cached_property
    def lessons(self) -> list[Step]:
        return [s for s in self.steps if s.kind == StepKind.LESSON]

    @cached_property
    def other_steps(self) -> list[Step]:
        return [s for s in self.steps if s.kind != StepKind.LESSON]

    @cached_property
    def total(self) -> int:
        return sum(s.state.weight for s in self.steps)

    @cached_property
    def done_weight(self) -> int:
        return sum(s.state.weight for s in self.steps if s.done)

    @cached_property
    def complete(self) -> bool:
        return all(s.done for s in self.steps)

    @cached_property
    def percent(self) -> int:
        return _percent(self.done_weight, self.total) if self.steps else 100


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass(frozen=True)
class Progress:
    """Where one trainee stands in one course, against every step of every provider.

    Immutable, so each figure a page asks for is worked out once (``cached_property``): a
    course page reads the percentage, completion and next step many times over.
    """

    user_id: int | None
    modules: tuple[ModuleProgress, ...]
    #: steps that belong to no module (final examination, practical), after every module
    course_steps: tuple[Step, ...]

    @cached_property
    def steps(self) -> list[Step]:
        """Every step in the order a trainee meets them."""
        return [s for m in self.modules for s in m.steps] + list(self.course_steps)

    @cached_property
    def has_content(self) -> bool:
        return any(m.steps for m in self.modules)

    @cached_property
    def total_weight(self) -> int:
        return sum(s.state.weight for s in self.steps)

    @cached_property
    def done_weight(self) -> int:
        return sum(s.state.weight for s in self.steps if s.done)

    @cached_property
    def percent(self) -> int:
        """The share of the course's step weight that is done, rounded to a whole percent."""
        return _percent(self.done_weight, self.total_weight)

    @cached_property
    def online_complete(self) -> bool:
        """Every online step done (modules, final examination): what is left, if anything,
        is recorded by someone else (sign-off, attendance, rubric, supervised sessions).
        A course with nothing to do is never complete."""
        return self.has_content and all(
            s.done for s in self.steps if s.kind in ONLINE_KINDS or s.state.module_id is not None)

    @cached_property
    def complete(self) -> bool:
        return self.online_complete and all(s.done for s in self.course_steps)

    @cached_property
    def remaining(self) -> list[Step]:
        """What is left, in order."""
        return [s for s in self.steps if not s.done]

    @cached_property
    def next_step(self) -> Step | None:
        """The first step the trainee can do now: where "Continue" leads."""
        return next((s for s in self.steps if s.open), None)

    @property
    def continue_target(self) -> Target | None:
        step = self.next_step
        return step.target if step is not None else None

    @cached_property
    def modules_done(self) -> int:
        return sum(m.complete for m in self.modules)

    @cached_property
    def module_reached(self) -> int | None:
        """Number of the first incomplete module; None once every module is complete."""
        return next((m.module.number for m in self.modules if not m.complete), None)

    def remaining_of(self, kind: StepKind) -> list[Step]:
        return [s for s in self.remaining if s.kind == kind]

    def count_done(self, kind: StepKind) -> int:
        return sum(s.done for s in self.steps if s.kind == kind)

    def count(self, kind: StepKind) -> int:
        return sum(s.kind == kind for s in self.steps)

    @cached_property
    def _by_key(self) -> dict[str, Step]:
        return {s.key: s for s in self.steps}

    def step(self, key: str) -> Step | None:
        return self._by_key.get(key)

    def module_of(self, key: str) -> ModuleProgress | None:
        return next((m for m in self.modules if any(s.key == key for s in m.steps)), None)

    def lesson_neighbours(self, key: str) -> tuple[Step | None, Step | None]:
        """The lessons before and after lesson ``key`` across module boundaries."""
        lessons = [s for m in self.modules for s in m.lessons]
        index = next(i for i, s in enumerate(lessons) if s.key == key)
        previous = lessons[index - 1] if index > 0 else None
        following = lessons[index + 1] if index + 1 < len(lessons) else None
        return previous, following

    def status(self, completed_at=None) -> str:
        """in_progress, awaiting_signoff (online part done, course steps left) or complete."""
        if self.complete or completed_at is not None:
            return "complete"
        return "awaiting_signoff" if self.online_complete else "in_progress"


def evaluate(modules: Sequence[ModuleShape], states: Iterable[StepState], *,
             user_id: int | None = None, ignore_locks: bool = False) -> Progress:
    """Decide done, locked, left, percentage and completion from the providers' states.

    A module is locked until every step of the modules before it is done; within a module a
    step gated by ``MODULE_STEPS`` is locked until the module's earlier steps are done; a
    course-level step gated by ``ALL_MODULES`` until every module is complete. Steps of a
    module that is not in ``modules`` (a draft) are ignored.
    """
    by_module: dict[int, list[StepState]] = {m.id: [] for m in modules}
    course_level: list[StepState] = []
    for state in states:
        if state.module_id is None:
            course_level.append(state)
        elif state.module_id in by_module:
            by_module[state.module_id].append(state)
    evaluated: list[ModuleProgress] = []
    previous_done = True
    for shape in modules:
        ordered = sorted(by_module[shape.id], key=lambda s: (s.position, s.key))
        module_locked = not previous_done and not ignore_locks
        steps: list[Step] = []
        earlier_done = True
        for state in ordered:
            gated = state.gate == Gate.MODULE_STEPS and not earlier_done
            steps.append(Step(state, module_locked or (gated and not ignore_locks)))
            earlier_done = earlier_done and state.done
        evaluated.append(ModuleProgress(shape, tuple(steps), module_locked))
        previous_done = previous_done and earlier_done
    all_modules_done = previous_done and any(m.steps for m in evaluated)
    tail = tuple(
        Step(state, state.gate == Gate.ALL_MODULES and not all_modules_done and not ignore_locks)
        for state in sorted(course_level, key=lambda s: (s.position, s.key))
    )
    return Progress(user_id, tuple(evaluated), tail)


def load_states(course: Any, user_ids: Sequence[int], kinds: Collection[StepKind] | None = None,
                loaded: Mapping[type, Any] | None = None) -> dict[int, list[StepState]]:
    """Every provider's states for every trainee in ``user_ids``: one batch per provider
    (only the providers of ``kinds`` when given). ``loaded`` maps a provider's class to facts
    the caller already loaded for exactly this course and these trainees; those are not read
    again."""
    states: dict[int, list[StepState]] = {user_id: [] for user_id in user_ids}
    for provider in registered_providers(current_app):
        if kinds is not None and provider.kind not in kinds:
            continue
        if loaded is not None and type(provider) in loaded:
            facts = loaded[type(provider)]
        else:
            facts = provider.load(course, list(user_ids))
        for user_id in user_ids:
            states[user_id].extend(provider.steps(course, facts, user_id))
    return states


def cohort_progress(course: Any, user_ids: Sequence[int], *, ignore_locks: bool = False,
                    kinds: Collection[StepKind] | None = None,
                    loaded: Mapping[type, Any] | None = None) -> dict[int, Progress]:
    """Each trainee's progress in ``course`` (modules and lessons loaded), in fixed queries.

    ``kinds`` limits the evaluation to those providers' steps: a caller that needs only a lock
    (``LOCK_KINDS``) skips the facts that cannot change it. Such a partial progress must not be
    used for percentages, completion or the "Continue" step. ``loaded``: see ``load_states``.
    """
    shape = course_shape(course)
    return {
        user_id: evaluate(shape, states, user_id=user_id, ignore_locks=ignore_locks)
        for user_id, states in load_states(course, user_ids, kinds, loaded).items()
    }


def course_progress(course: Any, user_id: int, *, ignore_locks: bool = False,
                    kinds: Collection[StepKind] | None = None,
                    loaded: Mapping[type, Any] | None = None) -> Progress:
    """One trainee's progress in ``course``: the same path as a cohort of one."""
    return cohort_progress(course, [user_id], ignore_locks=ignore_locks, kinds=kinds, loaded=loaded)[user_id]


def continue_step(course: Any, user_id: int, partial: Progress | None = None) -> Step | None:
    """The trainee's one "Continue" step, asking the course-level providers only when needed.

    Module steps come before course-level steps, and whether they are done or locked depends on
    module steps alone; so when the first open step of a progress built from at least the
    module providers (``partial``, by default one built here) belongs to a module, it is the
    answer, and only otherwise does the full progress decide.
    """
    partial = partial or course_progress(course, user_id, kinds=MODULE_STEP_KINDS)
    step = partial.next_step
    if step is not None and step.state.module_id is not None:
        return step
    return course_progress(course, user_id).next_step


def progress_in_courses(courses: Sequence[Any], user_id: int) -> dict[int, Progress]:
    """One trainee's progress in several courses (a dashboard, a trainee's record).

    A provider that offers ``load_courses(courses, user_ids)`` loads every course in one
    batch, so the query count does not grow with the number of courses; others are asked
    once per course with ``load``.
    """
    states: dict[int, list[StepState]] = {course.id: [] for course in courses}
    for provider in registered_providers(current_app):
        if hasattr(provider, "load_courses"):
            facts = provider.load_courses(list(courses), [user_id])
        else:
            facts = {course.id: provider.load(course, [user_id]) for course in courses}
        for course in courses:
            states[course.id].extend(provider.steps(course, facts[course.id], user_id))
    return {course.id: evaluate(course_shape(course), states[course.id], user_id=user_id)
            for course in courses}
