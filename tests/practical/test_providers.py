"""The practical's step providers: what the engine, the dashboard and the certificate read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from tests.factories import enrolled_trainees, make_lab_course, make_workshop
from training.extensions import db
from training.practical.models import Assessment, AttendanceEntry, PracticalPlan, Skill, SupervisedSession, Workshop
from training.practical.providers import PROVIDERS, AttendanceSteps, RubricSteps, SupervisedSteps
from training.practical.seats import register
from training.steps import StepKind, registered_providers


def steps_for(provider, course, user_ids):
    facts = provider.load(course, user_ids)
    return {uid: provider.steps(course, facts, uid) for uid in user_ids}


def test_the_app_registers_the_three_providers(app):
    kinds = [p.kind for p in registered_providers(app)]
    assert {StepKind.ATTENDANCE, StepKind.RUBRIC, StepKind.SUPERVISED} <= set(kinds)
    assert all(p in registered_providers(app) for p in PROVIDERS)


def test_attendance_step_book_then_lab_date_then_hours(app, make_user):
    course = make_lab_course(practical_hours="8")
    instructor = make_user("instructor")
    workshop = make_workshop(course, [instructor], capacity=1, tz="Europe/London")
    db.session.execute(update(Workshop).where(Workshop.id == workshop.id).values(
        starts_at=datetime(2099, 3, 14, 9), ends_at=datetime(2099, 3, 14, 17)))
    booked, waiting, idle = enrolled_trainees(make_user, course, 3)
    register(booked, workshop.id)
    register(waiting, workshop.id)
    db.session.add(AttendanceEntry(course_id=course.id, user_id=idle.id, day=date(2026, 1, 5), minutes=480))
    db.session.commit()
    steps = steps_for(AttendanceSteps(), course, [booked.id, waiting.id, idle.id])
    [b], [w], [i] = steps[booked.id], steps[waiting.id], steps[idle.id]
    assert (b.title, b.done, b.detail) == ("Lab on 14 March", False, "0 of 8 in-person hours attended")
    assert w.title == "On the waitlist for the lab on 14 March"
    assert (i.done, i.evidence["hours"]) == (True, "8")
    other = make_user("trainee")
    [fresh] = steps_for(AttendanceSteps(), course, [other.id])[other.id]
    assert (fresh.title, fresh.target.endpoint) == ("Book your lab", "practical.sessions")


def test_rubric_step_counts_required_competent_skills(app, make_user):
    course = make_lab_course()
    trainee, = enrolled_trainees(make_user, course, 1)
    skills = [Skill(course_id=course.id, key=f"s{n}", title=f"Skill {n}", required=n < 7, position=n,
                    criteria=[{"key": "c", "text": "Criterion"}]) for n in range(8)]
    db.session.add_all(skills)
    db.session.flush()
    for skill, outcome in zip(skills[:4], ["competent", "competent", "competent", "not_yet"], strict=True):
        db.session.add(Assessment(trainee_id=trainee.id, course_id=course.id, skill_id=skill.id, assessor_name="R",
                                  outcome=outcome, results=[]))
    # a later "not yet" on a skill overrides an earlier "competent": the newest counts
    db.session.add(Assessment(trainee_id=trainee.id, course_id=course.id, skill_id=skills[4].id, assessor_name="R",
                              outcome="competent", results=[], assessed_at=datetime(2026, 1, 1)))
    db.session.add(Assessment(trainee_id=trainee.id, course_id=course.id, skill_id=skills[4].id, assessor_name="R",
                              outcome="not_yet", results=[], assessed_at=datetime(2026, 1, 2)))
    db.session.commit()
    [step] = steps_for(RubricSteps(), course, [trainee.id])[trainee.id]
    assert (step.detail, step.done) == ("3 of 7 skills competent", False)
    assert step.evidence["competent_skills"] == ["Skill 0", "Skill 1", "Skill 2"]


def test_supervised_step_only_when_the_course_asks(app, make_user):
    course = make_lab_course()
    trainee, = enrolled_trainees(make_user, course, 1)
    supervisor = make_user("instructor")
    assert steps_for(SupervisedSteps(), course, [trainee.id])[trainee.id] == []
    db.session.add(PracticalPlan(course_id=course.id, supervised_sessions_required=25))
    for n in range(13):
        db.session.add(SupervisedSession(
            trainee_id=trainee.id, course_id=course.id, supervisor_id=supervisor.id, treated_on=date(2026, 1, 1),
            setting="Clinic", region="Neck", status="countersigned" if n < 12 else "pending"))
    db.session.commit()
    [step] = steps_for(SupervisedSteps(), course, [trainee.id])[trainee.id]
    assert (step.detail, step.done, step.evidence["countersigned"]) == ("12 of 25 supervised sessions", False, 12)


def test_loading_a_cohort_costs_the_same_queries_for_any_size(app, make_user, count_queries):
    course = make_lab_course()
    make_workshop(course, [make_user("instructor")])
    db.session.add(PracticalPlan(course_id=course.id, supervised_sessions_required=2))
    db.session.add(Skill(course_id=course.id, key="a", title="A", criteria=[{"key": "c", "text": "C"}]))
    db.session.commit()

    def statements(n):
        ids = [t.id for t in enrolled_trainees(make_user, course, n)]
        with count_queries() as seen:
            for provider in PROVIDERS:
                facts = provider.load(course, ids)
                for uid in ids:
                    provider.steps(course, facts, uid)
        return len(seen)

    assert statements(2) == statements(9)
