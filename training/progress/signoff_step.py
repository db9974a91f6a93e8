"""The instructor's practical sign-off as a course-level step of the completion engine.

Done when the trainee's latest recorded sign-off in the course is a pass (sign-offs are never
edited; a later "not yet" unmeets the step until a new pass). Only courses that require a
sign-off have this step.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from training.extensions import db
from training.progress.models import SignOff, SignOffOutcome
from training.steps import StepKind, StepState

#: after any other course-level step
SIGNOFF_POSITION = 1_000_000


class SignOffSteps:
    """The latest sign-off of each trainee (one query for any batch)."""

    kind = StepKind.SIGNOFF

    def load(self, course, user_ids: Sequence[int]) -> dict[int, SignOff]:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict[int, dict[int, SignOff]]:
        """The latest sign-off per trainee for several courses at once: one query."""
        latest: dict[int, dict[int, SignOff]] = {course.id: {} for course in courses}
        wanted = [course.id for course in courses if course.requires_signoff]
        if not wanted or not user_ids:
            return latest
        for signoff in db.session.scalars(
            select(SignOff)
            .where(SignOff.course_id.in_(wanted), SignOff.trainee_id.in_(list(user_ids)))
            .order_by(SignOff.id)
        ):
            latest[signoff.course_id][signoff.trainee_id] = signoff
        return latest

    def steps(self, course, facts: dict[int, SignOff], user_id: int) -> list[StepState]:
        if not course.requires_signoff:
            return []
        signoff = facts.get(user_id)
        if signoff is None:
            detail = "not yet recorded"
        elif signoff.outcome == SignOffOutcome.PASS:
            detail = (f"signed off by {signoff.instructor_name} on "
                      f"{signoff.evaluated_on.isoformat()}")
        else:
            detail = f"\u201cnot yet\u201d on {signoff.evaluated_on.isoformat()}"
            if signoff.notes:
                detail += f" ({signoff.notes})"
        return [StepState(
            key="signoff", kind=StepKind.SIGNOFF,
            title="Practical skills sign-off by an instructor",
            done=signoff is not None and signoff.outcome == SignOffOutcome.PASS,
            position=SIGNOFF_POSITION, detail=detail,
            evidence={"signoff": signoff},
        )]
