"""Extra time on timed quizzes for one person (an accommodation such as 1.5x or 2x).

Set by an instructor or an admin, recorded in the audit log with the old and new values, and
shown to the trainee on every timed quiz. The deadline of an attempt is fixed at its start, so
a change applies to attempts started afterwards.
"""

from __future__ import annotations

import math

from sqlalchemy import select

from quizzes.models import Quiz, TimeAccommodation
from training.audit import record_event
from training.database import utcnow
from training.errors import RuleViolation
from training.extensions import db

MULTIPLIERS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0)


class AccommodationError(RuleViolation):
    """A refused change; the message is shown next to the field it names."""


def accommodation_for(user_id: int) -> TimeAccommodation | None:
    return db.session.scalar(select(TimeAccommodation).where(TimeAccommodation.user_id == user_id))


def multiplier_of(user_id: int):
    """The person's multiplier as a scalar subquery (NULL without an accommodation), for
    statements that read it along with something else."""
    return select(TimeAccommodation.multiplier).where(TimeAccommodation.user_id == user_id).scalar_subquery()


def multiplier_for(user_id: int) -> float:
    row = accommodation_for(user_id)
    return row.multiplier if row is not None else 1.0


def allowed_minutes(quiz: Quiz, user_id: int, multiplier: float | None = None) -> int | None:
    """The quiz's time limit for this person, rounded up to a whole minute; None when untimed."""
    if not quiz.time_limit_minutes:
        return None
    factor = multiplier if multiplier is not None else multiplier_for(user_id)
    return math.ceil(quiz.time_limit_minutes * factor)


def set_accommodation(user, multiplier: float, note: str, by) -> TimeAccommodation | None:
    """Set (or with 1.0, remove) a person's time multiplier; audited with what changed."""
    if multiplier not in MULTIPLIERS:
        raise AccommodationError(f"Choose one of {', '.join(f'{m:g}x' for m in MULTIPLIERS)}.", "multiplier")
    note = (note or "").strip()
    if multiplier != 1.0 and not note:
        raise AccommodationError("Say why (for example, the documented accommodation it implements).", "note")
    row = db.session.scalar(select(TimeAccommodation).where(TimeAccommodation.user_id == user.id))
    old = {"multiplier": row.multiplier, "note": row.note} if row is not None else {"multiplier": 1.0, "note": ""}
    new = {"multiplier": multiplier, "note": note[:300]}
    if old == new:
        return row
    if multiplier == 1.0:
        if row is not None:
            db.session.delete(row)
        row = None
    else:
        row = row or TimeAccommodation(user_id=user.id)
        row.multiplier, row.note, row.set_by_id, row.set_at = multiplier, note[:300], by.id, utcnow()
        db.session.add(row)
    db.session.flush()
    record_event("quiz.time_accommodation", f"user:{user.id}", {"old": old, "new": new}, actor=by)
    return row
