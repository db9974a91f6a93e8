"""Online hours: what is credited, and the measured time behind it.

Accreditors approve hours derived from the stated minutes of a course's lessons, so the
credited online hours stay derived from them, but a lesson's minutes count only when its
seat-time rule was met (measured active time at least the course's share of its minutes).
A completion recorded before time was measured has no measured time and does not meet it.
The measured active hours are reported next to the credited ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from modules.services import contact_hours_from_minutes
from training.progress.engine import Progress
from training.steps import StepKind


@dataclass(frozen=True)
class OnlineHours:
    lessons: int
    lessons_met: int
    stated_minutes: int
    #: stated minutes of the lessons whose seat-time rule was met
    met_minutes: int
    active_seconds: int

    @property
    def all_met(self) -> bool:
        return self.lessons > 0 and self.lessons_met == self.lessons

    @property
    def active_minutes(self) -> int:
        return self.active_seconds // 60

    @property
    def active_hours(self) -> Decimal:
        """Measured active hours, rounded down to the hundredth."""
        return (Decimal(self.active_seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    def credited_hours(self, approved: Decimal) -> Decimal:
        """The course's approved online hours when every lesson met the rule; otherwise the
        hours of the lessons that did (never more than approved)."""
        if self.all_met:
            return Decimal(approved)
        return min(Decimal(approved), contact_hours_from_minutes(self.met_minutes))


def online_hours(progress: Progress) -> OnlineHours:
    """Credited and measured online time from the engine's lesson steps."""
    lessons = [s for s in progress.steps if s.kind == StepKind.LESSON]
    met = [s for s in lessons if s.done and s.evidence.get("seat_time_met")
           and not s.evidence.get("before_time_measured")]
    return OnlineHours(
        lessons=len(lessons), lessons_met=len(met),
        stated_minutes=sum(s.evidence.get("minutes", 0) for s in lessons),
        met_minutes=sum(s.evidence.get("minutes", 0) for s in met),
        active_seconds=sum(s.evidence.get("active_seconds", 0) for s in lessons),
    )
