"""The practical's steps for the completion engine: attendance hours, rubric skills, supervised sessions.

Each provider reads a batch of trainees in a fixed number of queries (``load``) and turns
the facts into one summary step per trainee (``steps``, pure). The evidence carries what the
certificate freezes and what reports read: hours attended, competent skills, countersigned
sessions. A course has the practical when it requires it (``requires_signoff``, the flag the
former sign-off used); a course that requires it but has no rubric loaded is never complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, literal_column, null, select, union_all

from training.content_version import cached_content, snapshot
from training.database import utcnow
from training.extensions import db
from training.practical.models import (
    Assessment,
    AttendanceEntry,
    PracticalPlan,
    Seat,
    SeatStatus,
    Skill,
    Workshop,
)
from training.practical.supervised import countersigned_by_course
from training.practical.venue_time import to_local
from training.steps import Gate, StepKind, StepState, Target


def practical_required(course) -> bool:
    return bool(course.requires_signoff)


def hours_text(minutes: int) -> str:
    """Hours as people say them: "27", "13.5", "6.25"."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return f"{value.normalize():f}"


def lab_date(workshop: Workshop) -> str:
    """The lab's first day where it is held; ``workshop`` is anything with its start and zone."""
    local = to_local(workshop.starts_at, workshop.timezone)
    return f"{local.day} {local:%B}"


def _attendance_statement():
    """Rows of the trainees' upcoming seats (not cancelled, lab not over) in ``:course_ids``,
    soonest first, then their current attended minutes per course: one statement.

    Plain rows, not ORM objects: a page needs a seat's status, lab and start, nothing more.
    """
    seat, workshop, entry = Seat.__table__.c, Workshop.__table__.c, AttendanceEntry.__table__.c
    courses, users = bindparam("course_ids", expanding=True), bindparam("user_ids", expanding=True)
    seats = (
        select(literal_column("'seat'").label("fact"), workshop.course_id, seat.user_id, seat.status,
               seat.workshop_id, workshop.starts_at, workshop.timezone, literal_column("0").label("minutes"),
               seat.id.label("seat_id"))
        .join_from(Seat.__table__, Workshop.__table__, workshop.id == seat.workshop_id)
        .where(workshop.course_id.in_(courses), seat.user_id.in_(users),
               seat.status != SeatStatus.CANCELLED.value, workshop.ends_at > bindparam("now"))
    )
    minutes = (
        select(literal_column("'minutes'"), entry.course_id, entry.user_id, null(), null(), null(), null(),
               func.sum(entry.minutes), null())
        .where(entry.course_id.in_(courses), entry.user_id.in_(users), entry.replaced.is_(False))
        .group_by(entry.course_id, entry.user_id)
    )
    both = union_all(seats, minutes)
    return both.order_by(both.selected_columns.fact.desc(), both.selected_columns.starts_at,
                         both.selected_columns.seat_id)


#: built once: a statement reused as is costs no construction on each page
ATTENDANCE_FACTS = _attendance_statement()


@dataclass
class AttendanceFacts:
    #: user id -> upcoming seats (rows with status, workshop_id, starts_at, timezone), soonest first
    seats: dict[int, list]
    minutes: dict[int, int]


class AttendanceSteps:
    """In-person hours from attendance; until they are done, the next lab to book or attend."""

    kind = StepKind.ATTENDANCE

    def load(self, course, user_ids: Sequence[int]) -> AttendanceFacts | None:
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict[int, AttendanceFacts | None]:
        """Upcoming bookings and attended minutes for several courses: one statement."""
        wanted = [c.id for c in courses if practical_required(c)]
        facts = {c.id: None for c in courses}
        facts.update({cid: AttendanceFacts({u: [] for u in user_ids}, {u: 0 for u in user_ids}) for cid in wanted})
        if not wanted or not user_ids:
            return facts
        for row in db.session.execute(ATTENDANCE_FACTS, {
                "course_ids": wanted, "user_ids": list(user_ids), "now": utcnow()}):
            if row.fact == "seat":
                facts[row.course_id].seats[row.user_id].append(row)
            else:
                facts[row.course_id].minutes[row.user_id] = int(row.minutes or 0)
        return facts

    def steps(self, course, facts: AttendanceFacts | None, user_id: int) -> list[StepState]:
        if facts is None:
            return []
        minutes = facts.minutes.get(user_id, 0)
        required = Decimal(course.practical_hours or 0)
        done = minutes >= required * 60 and (required > 0 or minutes > 0)
        upcoming = facts.seats.get(user_id, [])
        confirmed = next((s for s in upcoming if s.status == SeatStatus.CONFIRMED.value), None)
        waiting = next((s for s in upcoming if s.status == SeatStatus.WAITLISTED.value), None)
        if done:
            title = "In-person hours attended"
        elif confirmed is not None:
            title = f"Lab on {lab_date(confirmed)}"
        elif waiting is not None:
            title = f"On the waitlist for the lab on {lab_date(waiting)}"
        else:
            title = "Book your lab"
        return [StepState(
            key="attendance", kind=self.kind, title=title, done=done, position=1, gate=Gate.NONE,
            detail=f"{hours_text(minutes)} of {required.normalize():f} in-person hours attended",
            target=Target("practical.sessions", {"course_id": course.id}),
            evidence={"hours": hours_text(minutes), "minutes": minutes, "required_hours": f"{required:f}",
                      "booked_workshop_id": confirmed.workshop_id if confirmed else None},
        )]


def _assessments_statement():
    """(course, trainee, skill, outcome) of every assessment of ``:user_ids`` in ``:course_ids``,
    oldest first, so the last row of a skill is the newest (plain rows: only the outcome counts)."""
    a = Assessment.__table__.c
    return (
        select(a.course_id, a.trainee_id, a.skill_id, a.outcome)
        .where(a.course_id.in_(bindparam("course_ids", expanding=True)),
               a.trainee_id.in_(bindparam("user_ids", expanding=True)))
        .order_by(a.assessed_at, a.id)
    )


#: built once, like ``ATTENDANCE_FACTS``
ASSESSMENTS = _assessments_statement()


def latest_outcomes(course_ids: Sequence[int], user_ids: Sequence[int]) -> dict[int, dict[int, dict[int, Any]]]:
    """{course id: {user id: {skill id: newest assessment row}}}, in one statement."""
    latest: dict[int, dict[int, dict[int, Any]]] = {c: {u: {} for u in user_ids} for c in course_ids}
    if course_ids and user_ids:
        for row in db.session.execute(ASSESSMENTS, {"course_ids": list(course_ids), "user_ids": list(user_ids)}):
            latest[row.course_id][row.trainee_id][row.skill_id] = row
    return latest


def _skills(course_ids) -> dict[int, list]:
    """The live skills of each course's rubric, in order, as snapshots (content cache)."""
    skills: dict[int, list] = {cid: [] for cid in course_ids}
    for skill in db.session.scalars(
        select(Skill).where(Skill.course_id.in_(course_ids), Skill.retired.is_(False))
        .order_by(Skill.position, Skill.id)
    ):
        skills[skill.course_id].append(snapshot(skill))
    return skills


class RubricSteps:
    """Every required skill of the course's rubric assessed competent (the newest assessment counts)."""

    kind = StepKind.RUBRIC

    def load(self, course, user_ids: Sequence[int]):
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict:
        """Skills and the newest assessments for several courses: two queries."""
        wanted = [c.id for c in courses if practical_required(c)]
        facts: dict = {c.id: None for c in courses}
        if not wanted:
            return facts
        skills = cached_content(("rubric skills", tuple(wanted)), lambda: _skills(wanted))
        latest = latest_outcomes(wanted, user_ids)
        for cid in wanted:
            facts[cid] = (skills[cid], latest.get(cid, {}))
        return facts

    def steps(self, course, facts, user_id: int) -> list[StepState]:
        if facts is None:
            return []
        skills, latest = facts
        if not skills:
            return [StepState(key="rubric", kind=self.kind, title="Practical skills", position=2, done=False,
                              detail="no skills rubric is loaded for this course yet",
                              evidence={"competent_skills": [], "required": 0, "competent_required": 0})]
        mine = latest.get(user_id, {})
        competent = [s for s in skills if (a := mine.get(s.id)) is not None and a.outcome == "competent"]
        required = [s for s in skills if s.required]
        competent_required = [s for s in required if s in competent]
        return [StepState(
            key="rubric", kind=self.kind, title="Practical skills", position=2, gate=Gate.NONE,
            done=len(competent_required) == len(required),
            detail=f"{len(competent_required)} of {len(required)} skills competent",
            target=Target("practical.my_skills", {"course_id": course.id}),
            evidence={"competent_skills": [s.title for s in competent],
                      "competent_keys": [s.key for s in competent],
                      "required": len(required), "competent_required": len(competent_required)},
        )]


class SupervisedSteps:
    """The countersigned supervised sessions a course asks for (none unless its plan says so)."""

    kind = StepKind.SUPERVISED

    def load(self, course, user_ids: Sequence[int]):
        return self.load_courses([course], user_ids)[course.id]

    def load_courses(self, courses, user_ids: Sequence[int]) -> dict:
        """Each course's required count and the trainees' countersigned sessions: two queries."""
        facts: dict = {c.id: None for c in courses}
        course_ids = tuple(c.id for c in courses)
        plans = cached_content(("supervised plans", course_ids), lambda: dict(db.session.execute(
            select(PracticalPlan.course_id, PracticalPlan.supervised_sessions_required)
            .where(PracticalPlan.course_id.in_(course_ids),
                   PracticalPlan.supervised_sessions_required > 0)
        ).all()))
        if not plans:
            return facts
        counts = countersigned_by_course(list(plans), user_ids)
        for cid, required in plans.items():
            facts[cid] = (required, counts.get(cid, {}))
        return facts

    def steps(self, course, facts, user_id: int) -> list[StepState]:
        if facts is None:
            return []
        required, counts = facts
        count = counts.get(user_id, 0)
        return [StepState(
            key="supervised", kind=self.kind, title="Supervised patient sessions", position=3, gate=Gate.NONE,
            done=count >= required, detail=f"{count} of {required} supervised sessions",
            target=Target("practical.my_logs", {"course_id": course.id}),
            evidence={"countersigned": count, "required": required},
        )]


PROVIDERS = (AttendanceSteps(), RubricSteps(), SupervisedSteps())


def practical_steps(course, user_id: int) -> list[StepState]:
    """The trainee's practical steps in ``course`` (for the practical's own pages)."""
    return [s for p in PROVIDERS for s in p.steps(course, p.load(course, [user_id]), user_id)]
