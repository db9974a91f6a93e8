"""Which practical steps a course asks for: the workshop practical or the single sign-off.

The engine's sign-off step and the practical's attendance, rubric and supervised-session steps
describe the same in-person part of a course in two ways. A course with a practical plan
(``PracticalPlan``: workshops, rubric, supervised sessions) is judged by the practical's steps;
any other course by the instructor's sign-off, as before the practical existed. Without this
choice a sign-off-only course could never be completed, and a planned one would need both.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from training.extensions import db
from training.practical.models import PracticalPlan

_CACHE = "practical_plan_course_ids"


def has_practical_plan(course) -> bool:
    """Read once per transaction (one query, however many courses a page shows)."""
    info = db.session.info
    if _CACHE not in info:
        info[_CACHE] = frozenset(db.session.scalars(select(PracticalPlan.course_id)))
    return course.id in info[_CACHE]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session, *_args) -> None:
    """Plans may have changed: read them again next time."""
    session.info.pop(_CACHE, None)


class OnlyWhen:
    """Wraps a step provider so it applies only when ``planned`` matches the course."""

    def __init__(self, provider, *, planned: bool):
        self.provider = provider
        self.kind = provider.kind
        self.planned = planned

    def load(self, course, user_ids: Sequence[int]):
        if has_practical_plan(course) != self.planned:
            return None
        return (self.provider.load(course, user_ids),)

    def steps(self, course, facts, user_id: int):
        if facts is None:
            return []
        return self.provider.steps(course, facts[0], user_id)
