"""The in-person practical's records as jurisdiction evidence: attendance, skills, supervised sessions.

Three queries whatever the history. Attendance gives in-person hours per day (current entries
only: a corrected entry replaces the old one); assessments give the skills an assessor found
competent (the newest assessment of each skill counts); supervised-session logs give the sessions
and whether the supervisor countersigned them (rejected logs are left out).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select

from modules.models import Course
from training.auth.models import User
from training.extensions import db
from training.jurisdictions.facts import CompetencyEvidence, HoursEvidence, SupervisedSessionEvidence
from training.jurisdictions.rules import Modality
from training.practical.models import Assessment, AttendanceEntry, LogStatus, Outcome, Skill, SupervisedSession

MINUTES_PER_HOUR = Decimal(60)


def _hours(minutes: int) -> Decimal:
    """Minutes as hours to the hundredth, rounded down: evidence never overstates credit."""
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def attendance_hours(user_id: int) -> tuple[list[tuple[int, object]], set[int]]:
    """([(course id, HoursEvidence)], ids of courses with attendance on record)."""
    rows = db.session.execute(
        select(AttendanceEntry.course_id, AttendanceEntry.day, AttendanceEntry.minutes, Course.code)
        .join(Course, Course.id == AttendanceEntry.course_id)
        .where(AttendanceEntry.user_id == user_id, AttendanceEntry.replaced.is_(False), AttendanceEntry.minutes > 0)
        .order_by(AttendanceEntry.day, AttendanceEntry.id)
    ).all()
    hours = [
        (course_id, HoursEvidence(Modality.IN_PERSON.value, _hours(minutes), day,
                                  f"{code} workshop attendance", f"{code} attendance {day.isoformat()}"))
        for course_id, day, minutes, code in rows
    ]
    return hours, {course_id for course_id, *_ in rows}


def competent_skills(user_id: int) -> tuple[list, set[int]]:
    """(CompetencyEvidence of the newest competent assessment per skill, sign-off ids carried over)."""
    rows = db.session.execute(
        select(Assessment.skill_id, Assessment.outcome, Assessment.assessor_name, Assessment.assessed_at,
               Assessment.signoff_id, Skill.title, Course.code)
        .join(Skill, Skill.id == Assessment.skill_id).join(Course, Course.id == Assessment.course_id)
        .where(Assessment.trainee_id == user_id)
        .order_by(Assessment.assessed_at, Assessment.id)
    ).all()
    newest = {row.skill_id: row for row in rows}
    competent = [
        CompetencyEvidence(row.title, row.assessor_name, row.assessed_at.date(), row.code)
        for row in newest.values() if row.outcome == Outcome.COMPETENT.value
    ]
    return competent, {row.signoff_id for row in rows if row.signoff_id is not None}


def supervised_sessions(user_id: int) -> list:
    rows = db.session.execute(
        select(SupervisedSession.treated_on, SupervisedSession.status, SupervisedSession.decided_at,
               SupervisedSession.setting, SupervisedSession.region, User.name)
        .join(User, User.id == SupervisedSession.supervisor_id)
        .where(SupervisedSession.trainee_id == user_id, SupervisedSession.status != LogStatus.REJECTED.value)
        .order_by(SupervisedSession.treated_on, SupervisedSession.id)
    ).all()
    return [
        SupervisedSessionEvidence(
            on=row.treated_on, supervisor=row.name,
            countersigned_on=row.decided_at.date() if row.status == LogStatus.COUNTERSIGNED.value and row.decided_at
            else None,
            setting=row.setting, region=row.region,
        )
        for row in rows
    ]
