"""Every compliance-relevant edit leaves an audit entry with who, when and old -> new."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from modules.models import Course
from quizzes.models import Question, Quiz
from tests.modules.test_course_authoring import COURSE_FORM
from tests.quizzes.conftest import GIFT
from training.audit.changes import diff, plain, update_fields
from training.audit.models import AuditEntry
from training.auth.models import User
from training.seed import ensure_demo_accounts


def entries(db, action: str, subject: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.action == action)
    if subject is not None:
        stmt = stmt.where(AuditEntry.subject == subject)
    return list(db.session.scalars(stmt.order_by(AuditEntry.seq)))


def only(db, action: str, subject: str | None = None) -> AuditEntry:
    found = entries(db, action, subject)
    assert len(found) == 1, f"one {action} entry, found {len(found)}"
    return found[0]


def test_diff_names_only_changed_fields_as_plain_values():
    before = {"hours": Decimal("9.50"), "rules": ["a"], "state": "TX"}
    after = {"hours": Decimal("10"), "rules": ["a"], "state": "TX"}
    assert diff(before, after) == {"hours": {"old": "9.5", "new": "10"}}
    assert plain({"when": Decimal("1.0")}) == {"when": "1"}


def test_update_fields_records_nothing_when_nothing_changed(db, make_user):
    user = make_user("trainee", license_state="TX")
    assert update_fields(user, {"license_state": "TX"}, "user.profile_changed", f"user:{user.id}") == {}
    assert entries(db, "user.profile_changed") == []


def test_profile_and_licence_edit_is_audited_and_shown_on_the_trainee_record(form_client, login, make_user, db):
    client = form_client
    trainee = make_user("trainee", license_number="PT-1", license_state="TX")
    login(trainee, on=client)
    form = {"name": trainee.name, "profession": "chiropractor", "license_number": "DC-77", "license_state": "OK"}
    assert client.post("/account", data=form, token=False).status_code == 400  # no CSRF token: refused
    assert entries(db, "user.profile_changed") == []
    response = client.post("/account", data=form)
    assert response.status_code == 302
    entry = only(db, "user.profile_changed", f"user:{trainee.id}")
    assert entry.actor == trainee.email and entry.at is not None
    changes = dict(entry.details["changes"])
    # the first save confirms the name parts the account was opened with
    assert changes.pop("names_confirmed_at")["old"] is None
    assert changes == {
        "profession": {"old": "physical_therapist", "new": "chiropractor"},
        "license_number": {"old": "PT-1", "new": "DC-77"},
        "license_state": {"old": "TX", "new": "OK"},
    }
    auditor = make_user("auditor")
    login(auditor, on=client)
    page = client.get(f"/records/trainees/{trainee.id}").get_data(as_text=True)
    history = page.split('data-profile-history', 1)[1].split("</table>", 1)[0]
    assert "license number" in history and "PT-1" in history and "DC-77" in history
    assert trainee.email in history


def test_registration_records_the_new_profile(client, db):
    response = client.post("/register", data={
        "email": "New.Trainee@Example.org", "given_names": "New", "family_name": "Trainee",
        "time_zone": "America/Denver", "password": "Orchid-Basalt-Tundra-84",
        "confirm": "Orchid-Basalt-Tundra-84", "profession": "physical_therapist",
        "license_number": "PT-9", "license_state": "CO"})
    assert response.status_code in (302, 303)
    user = db.session.scalar(select(User).where(User.email == "new.trainee@example.org"))
    entry = only(db, "user.registered", f"user:{user.id}")
    assert entry.actor == user.email and entry.details["via"] == "registration"
    assert entry.details["changes"]["license_number"] == {"old": None, "new": "PT-9"}
    assert entry.details["changes"]["time_zone"] == {"old": None, "new": "America/Denver"}


def test_admin_created_account_and_role_change_are_audited(form_client, login, make_user, db):
    client = form_client
    admin = make_user("admin")
    login(admin, on=client)
    response = client.post("/admin/users/new", data={
        "email": "inst@example.org", "name": "New Instructor", "roles": ["instructor"],
        "password": "Gravel-Meadow-Sparrow-31"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "inst@example.org"))
    created = only(db, "user.created", f"user:{user.id}")
    assert created.actor == admin.email and created.details["via"] == "admin"
    assert created.details["changes"]["email"] == {"old": None, "new": "inst@example.org"}
    client.post(f"/admin/users/{user.id}/roles", data={"roles": ["instructor", "auditor"]},
                page=f"/admin/users/{user.id}")
    changed = only(db, "user.roles_changed", f"user:{user.id}")
    assert changed.actor == admin.email
    assert changed.details["changes"]["roles"] == {"old": ["instructor"], "new": ["auditor", "instructor"]}


def test_cli_and_demo_seed_accounts_are_audited(app, db):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "cli@example.org", "--name", "Cli User", "--role", "auditor",
        "--password", "Gravel-Meadow-Sparrow-31"])
    assert result.exit_code == 0, result.output
    cli_user = db.session.scalar(select(User).where(User.email == "cli@example.org"))
    assert only(db, "user.created", f"user:{cli_user.id}").details["via"] == "cli"
    accounts = ensure_demo_accounts()
    db.session.commit()
    for user, _password in accounts:
        entry = only(db, "user.created", f"user:{user.id}")
        assert entry.details["via"] == "seed-demo" and entry.actor == "system"
    ensure_demo_accounts()  # again: nothing new to record
    db.session.commit()
    assert len(entries(db, "user.created")) == 1 + len(accounts)


def test_course_settings_edit_records_approval_hours_and_rules(client, login, make_user, db):
    instructor = make_user("instructor")
    login(instructor)
    client.post("/author/courses/new", data=COURSE_FORM)
    course = db.session.scalar(select(Course))
    created = only(db, "course.created", f"course:{course.id}")
    assert created.details["changes"]["approval_number"] == {"old": None, "new": "A-2"}
    response = client.post(f"/author/courses/{course.id}", data={
        **COURSE_FORM, "approval_number": "A-3", "practical_hours": "12.5", "requires_signoff": "",
        "signoff_checklist": "Skill one\n"})
    assert response.status_code == 302
    entry = only(db, "course.settings_changed", f"course:{course.id}")
    assert entry.actor == instructor.email
    assert entry.details["changes"] == {
        "approval_number": {"old": "A-2", "new": "A-3"},
        "practical_hours": {"old": "0", "new": "12.5"},
        "requires_signoff": {"old": True, "new": False},
        "signoff_checklist": {"old": ["Skill one", "Skill two"], "new": ["Skill one"]},
    }


@pytest.fixture
def instructor(make_user, login):
    user = make_user("instructor")
    login(user)
    return user


def test_quiz_settings_edit_records_pass_mark_attempts_and_time_limit(client, instructor, db, quiz_course):
    setup = quiz_course()
    response = client.post(f"/author/quizzes/modules/{setup.module1.id}/settings", data={
        "title": "Module one quiz", "pass_mark": "70", "attempts_allowed": "3", "grading_method": "highest",
        "time_limit_minutes": "20", "review_policy": "after_attempt", "shuffle_questions": "y",
        "shuffle_choices": "y"})
    assert response.status_code == 302
    entry = only(db, "quiz.settings_changed", f"quiz:{setup.quiz.id}")
    assert entry.actor == instructor.email
    assert entry.details["changes"] == {
        "pass_mark": {"old": 80, "new": 70},
        "attempts_allowed": {"old": None, "new": 3},
        "time_limit_minutes": {"old": None, "new": 20},
    }


def test_question_edit_retire_restore_and_create_are_audited(client, instructor, db, quiz_course):
    setup = quiz_course()
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    client.post(f"/author/quizzes/questions/{numeric.id}", data={
        "title": "Numeric", "prompt": numeric.prompt, "points": "2",
        "numeric-0-value": "12", "numeric-0-tolerance": "0", "numeric-0-percent": "100"})
    edited = only(db, "question.edited", f"question:{numeric.id}")
    assert edited.actor == instructor.email
    assert edited.details["changes"]["points"] == {"old": 1.0, "new": 2.0}
    assert edited.details["changes"]["data"]["old"]["numeric"][0]["value"] == 10.0
    assert edited.details["changes"]["data"]["new"]["numeric"][0]["value"] == 12.0
    assert "prompt" not in edited.details["changes"]

    client.post(f"/author/quizzes/questions/{numeric.id}/retire")
    client.post(f"/author/quizzes/questions/{numeric.id}/retire")
    retired = only(db, "question.retired", f"question:{numeric.id}")
    restored = only(db, "question.restored", f"question:{numeric.id}")
    assert retired.details["changes"]["retired"] == {"old": False, "new": True}
    assert restored.details["changes"]["retired"] == {"old": True, "new": False}

    client.post(f"/author/quizzes/modules/{setup.module1.id}/questions/new/truefalse", data={
        "title": "Gloves", "prompt": "Gloves on?", "points": "1", "truth": "true"})
    new = db.session.scalar(select(Question).where(Question.title == "Gloves"))
    created = only(db, "question.created", f"question:{new.id}")
    assert created.details["changes"]["prompt"] == {"old": None, "new": "Gloves on?"}


def test_gift_import_is_audited_with_the_questions_added(client, instructor, db, quiz_course):
    setup = quiz_course()
    response = client.post(f"/author/quizzes/modules/{setup.module2.id}/import",
                           data={"file": (io.BytesIO(GIFT.encode()), "bank.gift")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    entry = entries(db, "questions.imported", f"module:{setup.module2.id}")[-1]
    added = db.session.scalars(select(Question.id).where(Question.module_id == setup.module2.id)).all()
    assert entry.actor == instructor.email and entry.details["count"] == 6
    assert sorted(entry.details["question_ids"]) == sorted(added)


def test_new_quiz_from_the_settings_page_is_audited(client, instructor, db, quiz_course):
    setup = quiz_course()
    client.post(f"/author/quizzes/modules/{setup.module2.id}/settings", data={
        "title": "Module two quiz", "pass_mark": "75", "grading_method": "last",
        "review_policy": "never"})
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == setup.module2.id))
    created = only(db, "quiz.created", f"quiz:{quiz.id}")
    assert created.details["changes"]["pass_mark"] == {"old": None, "new": 75}


def test_objectives_only_edit_is_audited_without_a_new_version(app, db, quiz_course):
    """Objectives are not graded: a change to them keeps the version but is still on the record."""
    from quizzes.questions import apply_spec

    quiz_course()
    question = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    version = question.version
    spec = question.spec()
    spec.objectives = ["o1"]
    assert apply_spec(question, spec) is True
    db.session.commit()
    assert question.version == version
    entry = only(db, "question.edited", f"question:{question.id}")
    assert entry.details["changes"] == {"objectives": {"old": [], "new": ["o1"]}}
    assert apply_spec(question, question.spec()) is False  # the same again: nothing recorded
    assert len(entries(db, "question.edited", f"question:{question.id}")) == 1


def test_a_refused_blueprint_records_nothing_and_keeps_the_settings(client, instructor, db, quiz_course):
    setup = quiz_course()
    response = client.post(f"/author/quizzes/modules/{setup.module1.id}/settings", data={
        "title": "Module one quiz", "pass_mark": "70", "grading_method": "highest",
        "review_policy": "after_attempt", "blueprint": "o9: 3"})
    assert response.status_code == 400
    assert b"o9" in response.data
    db.session.expire_all()
    assert db.session.get(Quiz, setup.quiz.id).pass_mark == 80
    assert entries(db, "quiz.settings_changed") == []



def test_lesson_edits_record_minutes_objectives_text_and_deletion(app, db, make_user):
    from modules.services import delete_lesson, save_lesson
    from tests.factories import build_course, lessons_in

    author = make_user("instructor")
    course = build_course((2,), author=author)
    lesson = lessons_in(course.id)[0]
    created = only(db, "lesson.created", f"lesson:{lesson.id}")
    assert created.details["changes"]["minutes"] == {"old": None, "new": 15}
    save_lesson(lesson.module, lesson, title=lesson.title, body="New words.", author=author,
                slug=lesson.slug, minutes=25, published=True, objectives=["o1"])
    db.session.commit()
    edited = only(db, "lesson.edited", f"lesson:{lesson.id}")
    assert edited.details["changes"] == {
        "minutes": {"old": 15, "new": 25}, "objectives": {"old": [], "new": ["o1"]},
        "revision": {"old": 1, "new": 2},
    }
    save_lesson(lesson.module, lesson, title=lesson.title, body="New words.", author=author,
                slug=lesson.slug, minutes=25, published=True, objectives=["o1"])
    db.session.commit()
    assert len(entries(db, "lesson.edited", f"lesson:{lesson.id}")) == 1  # an unchanged save is no edit
    lesson_id = lesson.id
    delete_lesson(lesson)
    db.session.commit()
    deleted = only(db, "lesson.deleted", f"lesson:{lesson_id}")
    assert deleted.details["lesson"]["minutes"] == 25 and deleted.details["lesson"]["revision"] == 2
