"""The contract between the completion engine and the packages that add steps to a course.

Every kind of step a course can require (a lesson read, a module quiz passed, a final
examination, workshop attendance, rubric skills assessed competent, supervised sessions
countersigned) is described by a *step provider* that lives in the package owning the facts.
The engine in ``training.progress.engine`` asks every provider that applies to a course for
its facts about a batch of trainees (a fixed number of queries however many trainees), then
for each trainee's ``StepState`` values, and decides alone what is done, what is locked,
what is left, the percentage and whether the course is complete.

This module sits at the bottom of the import graph (next to ``training.database``) so that
``modules``, ``quizzes`` and ``training.practical`` can implement providers without
importing the engine above them. It knows nothing of Flask: a step names where it is done as
a ``Target`` (endpoint and arguments) and views turn that into a URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class StepKind(StrEnum):
    """Every kind of step the engine knows; a new kind is added here and by its provider."""

    LESSON = "lesson"
    QUIZ = "quiz"
    FINAL_EXAM = "final_exam"
    ATTENDANCE = "attendance"
    RUBRIC = "rubric"
    SUPERVISED = "supervised"


class Gate(StrEnum):
    """What must be done before a step can be started (the engine computes the lock)."""

    #: nothing: the step is open as soon as its module is
    NONE = "none"
    #: every earlier step of the same module (a module quiz after the module's lessons)
    MODULE_STEPS = "module_steps"
    #: every module-level step of the course (a final examination after all modules)
    ALL_MODULES = "all_modules"


@dataclass(frozen=True)
class Target:
    """Where a person goes to do a step: a Flask endpoint and its arguments.

    Rules return this; views and templates build the URL (``url_for(t.endpoint, **t.args)``).
    """

    endpoint: str
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepState:
    """One requirement of a course for one trainee, as its provider sees it.

    ``key`` is stable and unique within a course ("lesson:12", "quiz:3", "skill:7"); steps
    with a ``module_id`` belong to that module and are ordered by ``position`` within it;
    course-level steps (``module_id is None``) come after every module, ordered by
    ``position``. ``weight`` is the step's share of the percentage (1 for most steps).
    ``evidence`` carries figures other rules read (hours, seconds, counts) and is never
    interpreted by the engine.
    """

    key: str
    kind: StepKind
    title: str
    done: bool
    module_id: int | None = None
    position: int = 0
    gate: Gate = Gate.NONE
    detail: str = ""
    target: Target | None = None
    weight: int = 1
    evidence: Mapping[str, Any] = field(default_factory=dict)


class StepProvider(Protocol):
    """A source of steps, registered once with the app (``register_step_provider``).

    ``load`` reads everything the provider needs for ``user_ids`` in ``course`` in a fixed
    number of queries (never one per trainee) and returns an opaque facts object; ``steps``
    is pure and turns those facts into one trainee's steps. A provider that does not apply
    to a course returns no steps.

    Optionally, ``load_courses(courses, user_ids)`` returns ``{course.id: facts}`` for several
    courses in a fixed number of queries (pages that show one trainee in every course use it;
    without it the engine calls ``load`` once per course).
    """

    kind: StepKind

    def load(self, course: Any, user_ids: Sequence[int]) -> Any:
        """Facts for every trainee in ``user_ids`` (a batch), in a fixed number of queries."""
        ...

    def steps(self, course: Any, facts: Any, user_id: int) -> list[StepState]:
        """The trainee's steps from the facts ``load`` returned; no queries here."""
        ...


def register_step_provider(app: Any, provider: StepProvider) -> None:
    """Add ``provider`` to the app's providers; the factory calls this once per provider."""
    app.extensions.setdefault("step_providers", []).append(provider)


def registered_providers(app: Any) -> list[StepProvider]:
    """The providers registered with ``app``, in registration order."""
    return list(app.extensions.get("step_providers", []))
