"""Evidence from the in-person practical: attendance hours by day, competent skills, countersigned sessions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.factories import enrol, make_course
from training.database import utcnow
from training.extensions import db
from training.jurisdictions.evidence import gather_evidence
from training.jurisdictions.services import evaluate_user, find_jurisdiction
from training.practical.models import Assessment, AttendanceEntry, Skill
from training.practical.supervised import decide, log_session


@pytest.fixture
def setting(app, make_user, rules):
    course = make_course()
    trainee = make_user("trainee", license_state="FL", licensed_since=date(2020, 1, 1))
    supervisor = make_user("instructor", name="Dr Lee")
    enrol(trainee, course)
    return course, trainee, supervisor


def attend(course, trainee, day: date, minutes: int, *, replaced: bool = False) -> None:
    db.session.add(AttendanceEntry(course_id=course.id, user_id=trainee.id, day=day, minutes=minutes,
                                   replaced=replaced))


def assess(course, trainee, outcome: str, at: datetime, skill: Skill | None = None) -> Skill:
    skill = skill or Skill(course_id=course.id, key=f"skill-{at.timestamp():.0f}", title="Upper trapezius")
    db.session.add(skill)
    db.session.flush()
    db.session.add(Assessment(trainee_id=trainee.id, course_id=course.id, skill_id=skill.id,
                              assessor_name="Ravi Menon", outcome=outcome, assessed_at=at))
    return skill


def log(course, trainee, supervisor, n: int, *, countersign: bool | None = True) -> None:
    for i in range(n):
        entry = log_session(trainee=trainee, course=course, treated_on=utcnow().date() - timedelta(days=i + 1),
                            setting="Outpatient clinic", region="Upper trapezius", supervisor_email=supervisor.email)
        if countersign is not None:
            decide(entry.id, actor=supervisor, countersign=countersign,
                   note="" if countersign else "No consent form on file")
    db.session.commit()


def florida(trainee):
    return evaluate_user(trainee, find_jurisdiction("FL"), utcnow().date()).evaluation


def test_just_under_every_practical_threshold(setting):
    course, trainee, supervisor = setting
    for day in range(7):
        attend(course, trainee, date(2026, 3, 1) + timedelta(days=day), 7 * 60)  # 49 hours
    attend(course, trainee, date(2026, 3, 9), 600, replaced=True)  # corrected later: not counted
    skill = assess(course, trainee, "competent", datetime(2026, 3, 5, 10))
    assess(course, trainee, "not_yet", datetime(2026, 3, 6, 10), skill)  # the newest assessment counts
    db.session.commit()
    log(course, trainee, supervisor, 24)
    log(course, trainee, supervisor, 2, countersign=None)  # pending
    log(course, trainee, supervisor, 3, countersign=False)  # rejected
    evaluation = florida(trainee)
    assert evaluation.outcome == "not_met"
    assert evaluation.missing == ["1 more in-person hour", "an instructor's competency determination "
                                  "(pass the in-person practical assessment)", "1 more countersigned session"]
    evidence = gather_evidence(trainee)
    assert len(evidence.supervised_sessions) == 26  # rejected logs left out, pending ones listed


def test_just_over_every_practical_threshold(setting):
    course, trainee, supervisor = setting
    for day in range(7):
        attend(course, trainee, date(2026, 3, 1) + timedelta(days=day), 7 * 60)
    attend(course, trainee, date(2026, 3, 8), 60)  # 50 hours
    assess(course, trainee, "competent", datetime(2026, 3, 5, 10))
    db.session.commit()
    log(course, trainee, supervisor, 25)
    evaluation = florida(trainee)
    assert evaluation.outcome == "met", evaluation.summary
    hours = [r for r in evaluation.results if r.requirement.kind == "hours"][0]
    assert hours.has == "50 in-person hours"


def test_evidence_queries_do_not_grow_with_history(setting, make_user, count_queries):
    course, trainee, supervisor = setting
    with count_queries() as before:
        gather_evidence(trainee)
    for day in range(5):
        attend(course, trainee, date(2026, 3, 1) + timedelta(days=day), 60)
    assess(course, trainee, "competent", datetime(2026, 3, 5, 10))
    db.session.commit()
    log(course, trainee, supervisor, 3)
    with count_queries() as after:
        gather_evidence(trainee)
    assert len(before) == len(after)
