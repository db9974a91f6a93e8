"""The final examination: blueprint across modules, locked until the modules are done, a step
for the completion engine; and per-person time multipliers on every timed quiz."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from modules.models import Course, Enrolment, Lesson, LessonCompletion, Module
from modules.services import save_revision
from quizzes.final_exam import FinalExamSteps
from quizzes.models import Attempt, Question, Quiz, TimeAccommodation
from quizzes.questions import import_gift
from training.audit.models import AuditEntry
from training.steps import Gate, StepKind, registered_providers

M1 = "// [tag:objective:o1]\n::M1 a::One? {T}\n\n// [tag:objective:o1]\n::M1 b::Two? {T}\n"
M2 = "// [tag:objective:pleura]\n::M2 a::Three? {T}\n\n// [tag:objective:pleura]\n::M2 b::Four? {T}\n"


@pytest.fixture
def exam_course(db):
    course = Course(code="FIN", slug="fin", title="Final course", provider="P", published=True)
    m1 = Module(position=1, slug="anatomy", title="Anatomy", objectives=["Anatomy"])
    m2 = Module(position=2, slug="safety", title="Safety", objectives=["Pleura"], objective_ids=["pleura"])
    course.modules = [m1, m2]
    for module in (m1, m2):
        module.lessons = [Lesson(position=1, slug=f"{module.slug}-l", title=f"{module.title} lesson", minutes=5)]
    db.session.add(course)
    db.session.flush()
    for module in (m1, m2):
        save_revision(module.lessons[0], module.lessons[0].title, "Body")
    import_gift(m1.id, M1)
    import_gift(m2.id, M2)
    exam = Quiz(course_id=course.id, title="Final", pass_mark=75, grading_method="highest", attempts_allowed=2,
                time_limit_minutes=20, blueprint={"anatomy:o1": 1, "safety:pleura": 1}, shuffle_questions=True,
                shuffle_choices=False, review_policy="once_passed")
    db.session.add(exam)
    db.session.commit()
    return course, exam


def complete_modules(db, user, course):
    for module in course.modules:
        db.session.add(LessonCompletion(user_id=user.id, lesson_id=module.lessons[0].id))
    db.session.commit()


def test_final_exam_is_locked_until_every_module_is_complete(client, login, make_user, db, exam_course):
    course, exam = exam_course
    trainee = make_user("trainee")
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    db.session.commit()
    login(trainee)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Final examination" in page and "It opens once every module is complete" in page
    assert client.get(f"/quizzes/{exam.id}").status_code == 403
    assert client.post(f"/quizzes/{exam.id}/start").status_code == 403
    complete_modules(db, trainee, course)
    assert client.get(f"/quizzes/{exam.id}").status_code == 200
    response = client.post(f"/quizzes/{exam.id}/start")
    attempt = db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    titles = {db.session.get(Question, e["question_id"]).title[:2] for e in attempt.layout}
    assert titles == {"M1", "M2"}  # one question from each module's objective
    assert attempt.deadline - attempt.started_at == timedelta(minutes=20)
    form = {f"q{e['question_id']}": ["1"] for e in attempt.layout}  # "True" is shown first
    client.post(f"/quizzes/attempts/{attempt.id}/save", data={**form, "submit": "1"})
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).passed


def test_final_exam_is_a_step_of_the_course(app, make_user, db, exam_course, count_queries):
    course, exam = exam_course
    passer, other = make_user("trainee"), make_user("trainee")
    db.session.add(Attempt(quiz_id=exam.id, user_id=passer.id, number=1, layout=[], submitted_at=course.created_at,
                           percent=100.0, passed=True, score=2, max_score=2))
    db.session.commit()
    provider = next(p for p in registered_providers(app) if p.kind == StepKind.FINAL_EXAM)
    assert isinstance(provider, FinalExamSteps)
    ids = [passer.id, other.id]
    course = db.session.get(Course, course.id)
    with count_queries() as statements:
        facts = provider.load(course, ids)
    # the content version, the exam (built once per version) and the attempts
    assert len(statements) == 3
    with count_queries() as statements:
        provider.load(course, ids)
    assert len(statements) == 1, "the exam comes from the content cache; only the attempts are read"
    [step] = provider.steps(course, facts, passer.id)
    assert step.done and step.gate == Gate.ALL_MODULES and step.module_id is None
    assert step.key == f"final_exam:{exam.id}" and step.target.endpoint == "quizzes.quiz"
    assert not provider.steps(course, facts, other.id)[0].done
    empty = Course(code="NONE", slug="none", title="No exam", provider="P")
    db.session.add(empty)
    db.session.commit()
    assert provider.steps(empty, provider.load(empty, [passer.id]), passer.id) == []


def test_author_sets_up_the_final_exam_and_a_blueprint_too_big_is_refused(client, login, make_user, db, exam_course):
    course, exam = exam_course
    db.session.delete(exam)
    db.session.commit()
    login(make_user("instructor"))
    page = client.get(f"/author/quizzes/courses/{course.id}/final").get_data(as_text=True)
    assert "safety:pleura" in page and "anatomy:o1" in page
    form = {"title": "Final", "pass_mark": "80", "grading_method": "highest", "review_policy": "once_passed",
            "time_limit_minutes": "30", "attempts_allowed": "2"}
    refused = client.post(f"/author/quizzes/courses/{course.id}/final", data={**form, "blueprint": "safety:pleura: 3"})
    assert refused.status_code == 400 and "only 2 examine it" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Quiz).where(Quiz.course_id == course.id)) is None
    ok = client.post(f"/author/quizzes/courses/{course.id}/final", data={**form, "per_objective": "2"})
    assert ok.status_code == 302
    saved = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    assert saved.per_objective == 2 and saved.module_id is None
    assert "Blueprint" in client.get(f"/author/quizzes/{saved.id}/preview").get_data(as_text=True)
    for page in ("attempts", "statistics"):
        assert client.get(f"/author/quizzes/{saved.id}/{page}").status_code == 200
    assert "Final examination" in client.get(f"/author/courses/{course.id}").get_data(as_text=True)


def test_time_multiplier_is_set_audited_shown_and_applied(client, login, make_user, db, exam_course):
    course, exam = exam_course
    trainee = make_user("trainee", email="slow.reader@example.org")
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    db.session.commit()
    complete_modules(db, trainee, course)
    login(make_user("trainee"))
    assert client.get("/author/accommodations/").status_code == 403
    login(make_user("instructor"))
    missing_reason = client.post("/author/accommodations/", data={"email": trainee.email, "multiplier": "1.5"})
    assert missing_reason.status_code == 400 and "Say why" in missing_reason.get_data(as_text=True)
    nobody = client.post("/author/accommodations/", data={"email": "x@example.org", "multiplier": "2", "note": "r"})
    assert nobody.status_code == 400
    bad = client.post("/author/accommodations/", data={"email": trainee.email, "multiplier": "9", "note": "r"})
    assert bad.status_code == 400
    ok = client.post("/author/accommodations/", data={"email": trainee.email, "multiplier": "1.5",
                                                      "note": "Documented reading accommodation"})
    assert ok.status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz.time_accommodation"))
    assert entry.details["old"]["multiplier"] == 1.0 and entry.details["new"]["multiplier"] == 1.5
    login(trainee)
    page = client.get(f"/quizzes/{exam.id}").get_data(as_text=True)
    assert "your time: 30 minutes" in page and "1.5× time accommodation: Documented reading accommodation" in page
    response = client.post(f"/quizzes/{exam.id}/start")
    attempt = db.session.get(Attempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
    login(make_user("admin"))
    assert client.post("/author/accommodations/", data={"email": trainee.email, "multiplier": "1"}).status_code == 303
    assert db.session.scalar(select(TimeAccommodation)) is None


def test_engine_counts_the_final_exam_as_a_course_step(app, make_user, db, exam_course):
    from training.progress.engine import course_progress

    course, exam = exam_course
    trainee = make_user("trainee")
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    db.session.commit()
    step = course_progress(course, trainee.id).step(f"final_exam:{exam.id}")
    assert step.locked and not step.done and step.kind == StepKind.FINAL_EXAM
    complete_modules(db, trainee, course)
    progress = course_progress(course, trainee.id)
    assert not progress.step(f"final_exam:{exam.id}").locked
    assert not progress.complete and progress.next_step.key == f"final_exam:{exam.id}"
    db.session.add(Attempt(quiz_id=exam.id, user_id=trainee.id, number=1, layout=[], submitted_at=course.created_at,
                           percent=80.0, passed=True, score=2, max_score=2))
    db.session.commit()
    assert course_progress(course, trainee.id).complete


def test_auditor_record_lists_final_exam_attempts(client, login, make_user, db, exam_course):
    course, exam = exam_course
    trainee = make_user("trainee")
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    db.session.add(Attempt(quiz_id=exam.id, user_id=trainee.id, number=1, layout=[], submitted_at=course.created_at,
                           percent=50.0, passed=False, score=1, max_score=2))
    db.session.commit()
    login(make_user("auditor"))
    page = client.get(f"/records/trainees/{trainee.id}")
    assert page.status_code == 200 and "FIN · Final" in page.get_data(as_text=True)
