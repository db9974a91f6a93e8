"""Quiz options: the grading and review vocabularies and the defaults a new quiz starts from.

The model's column defaults, the authoring page's new quiz and the curriculum loader all read
``QUIZ_DEFAULTS``, so a default changes in one place.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class GradingMethod(StrEnum):
    HIGHEST = "highest"  #: the best submitted attempt counts
    LAST = "last"  #: the most recent submitted attempt counts

    @property
    def label(self) -> str:
        return {GradingMethod.HIGHEST: "Highest attempt", GradingMethod.LAST: "Last attempt"}[self]


class ReviewPolicy(StrEnum):
    AFTER_ATTEMPT = "after_attempt"  #: correct answers shown after each submitted attempt
    ONCE_PASSED = "once_passed"  #: shown only once the trainee has passed
    NEVER = "never"

    @property
    def label(self) -> str:
        return {
            ReviewPolicy.AFTER_ATTEMPT: "After each attempt",
            ReviewPolicy.ONCE_PASSED: "Once passed",
            ReviewPolicy.NEVER: "Never",
        }[self]


#: the settings of a quiz nobody has configured yet; None means "no limit" / "whole pool"
QUIZ_DEFAULTS = MappingProxyType({
    "pass_mark": 80,
    "attempts_allowed": None,
    "grading_method": GradingMethod.HIGHEST.value,
    "time_limit_minutes": None,
    "shuffle_questions": True,
    "shuffle_choices": True,
    "draw_count": None,
    "per_objective": None,
    "blueprint": None,
    "review_policy": ReviewPolicy.AFTER_ATTEMPT.value,
})


def choices(vocabulary: type[GradingMethod] | type[ReviewPolicy]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field, in the enum's order."""
    return [(member.value, member.label) for member in vocabulary]
