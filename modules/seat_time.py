"""Time on task: heartbeats from an open lesson, and the course's seat-time rule.

The lesson page reports active seconds (visible and not idle) every few seconds. The server
credits a beat with at most the wall-clock time since the trainee's previous accepted beat,
whatever the beat claims and however many tabs send them (``ActivityClock`` is one row per
trainee, locked while a beat is recorded). A lesson can be marked complete only once its
measured time reaches the course's share of the lesson's stated minutes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from modules.models import ActivityClock, Course, Lesson, LessonTime
from training.database import utcnow
from training.extensions import db

#: share of a lesson's stated minutes asked for when an author sets none
DEFAULT_SEAT_TIME_PERCENT = 50
#: the page beats every 15 s; a claim above this is not from the page
MAX_BEAT_SECONDS = 60
#: beats closer together than this (after the first) are refused as too frequent
MIN_BEAT_INTERVAL = 2
#: an "opened" beat restarts a clock idle for longer than this
STALE_CLOCK_SECONDS = MAX_BEAT_SECONDS


class HeartbeatError(ValueError):
    """A beat that changes nothing; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def required_seconds(minutes: int, percent: int) -> int:
    """Active seconds a lesson of ``minutes`` needs under a ``percent`` seat-time rule."""
    return math.ceil(minutes * 60 * percent / 100)


@dataclass(frozen=True)
class SeatTime:
    """A trainee's measured time on a lesson against the course's rule."""

    active_seconds: int
    required_seconds: int

    @property
    def met(self) -> bool:
        return self.active_seconds >= self.required_seconds

    @property
    def remaining_seconds(self) -> int:
        return max(0, self.required_seconds - self.active_seconds)

    @property
    def remaining_minutes(self) -> int:
        """Whole minutes still to spend, rounded up ("about 6 more minutes")."""
        return math.ceil(self.remaining_seconds / 60)

    def message(self) -> str:
        minutes = self.remaining_minutes
        return (
            f"Spend about {minutes} more minute{'s' if minutes != 1 else ''} on this lesson "
            "before marking it complete: this course counts active reading time."
        )


def lesson_times(user_ids: Sequence[int], lesson_ids: Sequence[int]) -> dict[tuple[int, int], LessonTime]:
    """Measured time keyed by (user id, lesson id), in one query."""
    if not user_ids or not lesson_ids:
        return {}
    rows = db.session.scalars(
        select(LessonTime).where(LessonTime.user_id.in_(list(user_ids)),
                                 LessonTime.lesson_id.in_(list(lesson_ids)))
    )
    return {(row.user_id, row.lesson_id): row for row in rows}


def seat_time(user_id: int, lesson: Lesson, course: Course) -> SeatTime:
    """The trainee's measured time on ``lesson`` against ``course``'s rule (one query)."""
    row = lesson_times([user_id], [lesson.id]).get((user_id, lesson.id))
    return SeatTime(row.active_seconds if row else 0,
                    required_seconds(lesson.minutes, course.seat_time_percent))


def _locked_clock(user_id: int) -> ActivityClock | None:
    return db.session.scalar(
        select(ActivityClock).where(ActivityClock.user_id == user_id)
        .with_for_update().execution_options(populate_existing=True)
    )


def _clock(user_id: int, now: datetime) -> tuple[ActivityClock, bool]:
    """The trainee's clock, row-locked; created (True) on the first beat ever."""
    clock = _locked_clock(user_id)
    if clock is not None:
        return clock, False
    try:
        with db.session.begin_nested():
            clock = ActivityClock(user_id=user_id, last_beat_at=now)
            db.session.add(clock)
        return clock, True
    except IntegrityError:  # another tab created it first
        return _locked_clock(user_id), False


def _lesson_time(user_id: int, lesson_id: int, now: datetime) -> LessonTime:
    row = lesson_times([user_id], [lesson_id]).get((user_id, lesson_id))
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = LessonTime(user_id=user_id, lesson_id=lesson_id, active_seconds=0,
                             first_opened_at=now, last_active_at=now)
            db.session.add(row)
        return row
    except IntegrityError:
        return lesson_times([user_id], [lesson_id])[(user_id, lesson_id)]


def checked_seconds(raw: object) -> int:
    """The claimed active seconds of a beat: a whole number from 0 to MAX_BEAT_SECONDS.

    A form body (``sendBeacon``) sends text; JSON sends a number.
    """
    if isinstance(raw, str) and raw.isascii() and raw.lstrip("-").isdigit() and len(raw) < 10:
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise HeartbeatError("Send the active seconds as a whole number.", 400)
    if raw < 0:
        raise HeartbeatError("Active seconds cannot be negative.", 422)
    if raw > MAX_BEAT_SECONDS:
        raise HeartbeatError(f"A heartbeat reports at most {MAX_BEAT_SECONDS} seconds.", 422)
    return raw


def record_heartbeat(user_id: int, lesson: Lesson, claimed: object,
                     now: datetime | None = None) -> int:
    """Credit a beat from ``lesson``'s page; returns the lesson's active seconds (flushes).

    A beat of 0 seconds says the page was opened: it records the first opening and restarts
    a stale clock, so the first real beat is bounded by the time since the page opened.
    """
    seconds = checked_seconds(claimed)
    now = now or utcnow()
    clock, created = _clock(user_id, now)
    elapsed = max(0.0, (now - clock.last_beat_at).total_seconds())
    if seconds == 0:
        if created or elapsed > STALE_CLOCK_SECONDS:
            clock.last_beat_at = now
        row = _lesson_time(user_id, lesson.id, now)
        db.session.flush()
        return row.active_seconds
    if not created and elapsed < MIN_BEAT_INTERVAL:
        raise HeartbeatError("Heartbeats are too frequent; nothing was recorded.", 429)
    credit = 0 if created else min(seconds, math.floor(elapsed))
    row = _lesson_time(user_id, lesson.id, now)
    row.active_seconds += credit
    if credit:
        row.last_active_at = now
    clock.last_beat_at = now
    db.session.flush()
    return row.active_seconds
