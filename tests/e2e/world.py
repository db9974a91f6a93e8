"""A populated platform for the page walks: every role, every kind of page, real content.

The shipped DN-101 course (real lessons with tables, real question pools), a trainee part
way through it with a graded and an open quiz attempt, a second course the trainee has
finished and been certified for, a sign-off, an API token: so every page has something on it.
``PAGES`` lists the pages each role is walked through; a new page is one line there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from modules.approvals import CourseApproval
from modules.content_loader import seed_content
from modules.models import Course, Enrolment, LessonTime
from modules.services import complete_lesson
from quizzes.attempts import save_answers, start_attempt, submit_attempt
from quizzes.content_loader import seed_quizzes
from quizzes.models import Question, Quiz
from tests.conftest import _PASSWORD_HASH
from tests.factories import finish_online, make_course, make_workshop, sign_off
from training.auth.models import User, UserRole
from training.auth.tokens import CHANGE_EMAIL, RESET, VERIFY, make_token
from training.certificates.models import Certificate
from training.jurisdictions.evidence import gather_evidence
from training.jurisdictions.loader import load_rules
from training.jurisdictions.packs import create_pack
from training.jurisdictions.services import evaluate_user, find_jurisdiction
from training.practical.attendance import session_days
from training.records.tokens import create_token

SHIPPED_SLUG = "dry-needling-level-1"
#: a jurisdiction of the shipped rule files with requirements to show
PRACTISE_CODE = "GA"


@dataclass
class World:
    emails: dict[str, str]
    ids: dict[str, int | str] = field(default_factory=dict)

    def url(self, template: str) -> str:
        return template.format(**self.ids)


def _user(db, role: str, tag: str, name: str) -> User:
    user = User(email=f"{role}-{tag}@example.org", name=name, password_hash=_PASSWORD_HASH,
                profession="physical_therapist" if role == "trainee" else None,
                license_number="PT-0458123" if role == "trainee" else None,
                license_state="TX" if role == "trainee" else None)
    user.role_rows = [UserRole(role=role)]
    db.session.add(user)
    return user


def build_world(db) -> World:
    tag = uuid.uuid4().hex[:8]
    seed_content()
    seed_quizzes()
    db.session.commit()
    course = db.session.scalar(select(Course).where(Course.slug == SHIPPED_SLUG))
    trainee = _user(db, "trainee", tag, "Dana Whitfield")
    instructor = _user(db, "instructor", tag, "Ravi Menon")
    auditor = _user(db, "auditor", tag, "Helen Osei")
    admin = _user(db, "admin", tag, "Sam Ortega")
    db.session.flush()
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    module = course.modules[0]
    table_lesson = next(lesson for lesson in module.lessons if lesson.slug.startswith("regulation"))
    for lesson in module.lessons:  # read for as long as the course asks (time on task), then completed
        db.session.add(LessonTime(user_id=trainee.id, lesson_id=lesson.id, active_seconds=lesson.minutes * 60))
        db.session.flush()
        complete_lesson(trainee, lesson)
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    graded = start_attempt(quiz, trainee)
    db.session.flush()
    first = next(r for r in graded.responses if r.question.qtype in ("single", "truefalse", "multiple"))
    save_answers(graded, {f"q{first.question_id}": ["1"]})
    submit_attempt(graded)
    db.session.flush()
    open_attempt = start_attempt(quiz, trainee)
    db.session.commit()

    finished = make_course(code=f"A11Y-{tag}", slug=f"finished-{tag}", title="Dry Needling Upper Quarter")
    db.session.add(Enrolment(user_id=trainee.id, course_id=finished.id))
    db.session.commit()
    finish_online(trainee, finished)
    workshop = sign_off(instructor, trainee, finished)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == trainee.id))
    token, _raw = create_token(auditor, "Board export")
    question = db.session.scalar(select(Question).where(Question.module_id == module.id).order_by(Question.id))
    hotspot = db.session.scalar(select(Question).where(Question.qtype == "hotspot").order_by(Question.id))
    # the shipped course's board approval (one per database: several test modules build a world)
    board = "Texas Board of Physical Therapy Examiners"
    approval = db.session.scalar(select(CourseApproval).where(
        CourseApproval.course_id == course.id, CourseApproval.board == board))
    if approval is None:
        approval = CourseApproval(course_id=course.id, board=board, jurisdiction="TX",
                                  approval_number="TX-DN-2026-017", hours_approved=Decimal("10.7"),
                                  valid_from=date.today() - timedelta(days=30))
        db.session.add(approval)
        db.session.commit()
    # an upcoming lab of the shipped course, for its public page and the trainee's sessions
    make_workshop(course, [instructor], capacity=4, title="Level 1 weekend lab, Austin",
                  required_module_ids=[module.id])

    # the shipped practice rules, and an evidence pack the trainee made for one jurisdiction
    load_rules()
    db.session.flush()
    pack = create_pack(trainee, evaluate_user(trainee, find_jurisdiction(PRACTISE_CODE), date.today()),
                       gather_evidence(trainee), by=trainee)
    # someone who registered and has not opened the confirmation link yet
    newcomer = _user(db, "trainee", f"new-{tag}", "Lee Park")
    newcomer.email_verified_at = None
    db.session.commit()

    world = World(emails={u.role_rows[0].role: u.email for u in (trainee, instructor, auditor, admin)})
    world.ids.update(
        course_id=course.id, slug=course.slug, module_id=module.id, lesson_id=module.lessons[0].id,
        table_lesson_id=table_lesson.id, quiz_id=quiz.id, graded_attempt_id=graded.id,
        open_attempt_id=open_attempt.id, trainee_id=trainee.id, certificate_id=certificate.id,
        serial=certificate.serial, code=certificate.verification_code, question_id=question.id,
        finished_id=finished.id, token_id=token.id, workshop_id=workshop.id,
        hotspot_question_id=hotspot.id, approval_id=approval.id,
        workshop_day=session_days(workshop)[0].isoformat(),
        jurisdiction=PRACTISE_CODE, pack_id=pack.id, pack_code=pack.verification_code,
        verify_token=make_token(VERIFY, newcomer), reset_token=make_token(RESET, trainee),
        email_token=make_token(CHANGE_EMAIL, trainee, f"dana-{tag}@example.net"),
    )
    return world


#: role -> pages walked by the accessibility and phone-width tests (URL templates on World.ids)
PAGES: dict[str, list[str]] = {
    "anonymous": [
        "/", "/login", "/register", "/verify", "/verify/{code}", "/catalogue", "/catalogue/{slug}",
        "/password/forgot", "/email/verify/resend", "/register/check-inbox", "/verify/check-pdf",
        "/evidence/{pack_code}", "/email/verify/{verify_token}", "/password/reset/{reset_token}",
        "/account/email/confirm/{email_token}",
    ],
    "trainee": [
        "/dashboard", "/courses/", "/catalogue/{slug}", "/courses/{slug}", "/courses/{slug}/lessons/{lesson_id}",
        "/courses/{slug}/lessons/{table_lesson_id}", "/quizzes/{quiz_id}",
        "/quizzes/attempts/{open_attempt_id}", "/quizzes/attempts/{open_attempt_id}/summary",
        "/quizzes/attempts/{graded_attempt_id}/result",
        "/certificates", "/account", "/account/password", "/verify/{code}",
        "/account/email", "/account/notifications", "/account/data", "/practical/",
        "/practical/courses/{finished_id}/skills", "/practical/courses/{finished_id}/supervised", "/practise",
        "/practical/courses/{finished_id}/sessions", "/practical/courses/{course_id}/sessions", "/account/data/erase",
        "/practise/{jurisdiction}", "/practise/packs/{pack_id}", "/evidence/{pack_code}",
    ],
    "instructor": [
        "/courses/", "/courses/{slug}", "/author/", "/author/courses/new", "/author/courses/{course_id}",
        "/author/courses/{course_id}/modules/new", "/author/modules/{module_id}",
        "/author/modules/{module_id}/lessons/new", "/author/lessons/{table_lesson_id}",
        "/author/lessons/{table_lesson_id}/revisions", "/author/lessons/{table_lesson_id}/revisions/1",
        "/author/quizzes/modules/{module_id}/questions", "/author/quizzes/modules/{module_id}/settings",
        "/author/quizzes/questions/{question_id}",
        "/author/quizzes/modules/{module_id}/questions/new/single",
        "/author/quizzes/modules/{module_id}/questions/new/multiple",
        "/author/quizzes/modules/{module_id}/questions/new/numeric",
        "/author/quizzes/modules/{module_id}/questions/new/matching",
        "/author/quizzes/{quiz_id}/preview", "/author/quizzes/{quiz_id}/attempts",
        "/author/quizzes/attempts/{graded_attempt_id}", "/author/quizzes/{quiz_id}/statistics",
        "/cohorts", "/cohorts/{course_id}", "/practical/", "/practical/workshops/{workshop_id}",
        "/practical/workshops/{workshop_id}/trainees/{trainee_id}/assess",
        "/practical/courses/{finished_id}/workshops/new",
        "/author/courses/{course_id}/approvals",
        "/author/lessons/{table_lesson_id}/delete/confirm", "/author/modules/{module_id}/delete/confirm",
        "/author/courses/{course_id}/media", "/author/accommodations/", "/author/quizzes/courses/{course_id}/final",
        "/author/quizzes/modules/{module_id}/questions/new/hotspot", "/author/quizzes/questions/{hotspot_question_id}",
        "/author/quizzes/modules/{module_id}/questions/new/truefalse",
        "/author/quizzes/modules/{module_id}/questions/new/short",
        "/author/courses/{course_id}/approvals/{approval_id}", "/practical/workshops/{workshop_id}/edit",
        "/practical/workshops/{workshop_id}/attendance/{workshop_day}",
        "/practise/trainees/{trainee_id}", "/practise/trainees/{trainee_id}/{jurisdiction}",
        "/practise/packs/{pack_id}",
    ],
    "auditor": [
        "/records/certificates", "/records/audit", "/records/tokens", "/records/trainees",
        "/records/trainees/{trainee_id}", "/records/tokens/{token_id}/revoke/confirm",
        "/records/rosters", "/records/rosters/deadlines", "/practise/trainees/{trainee_id}",
        "/practise/trainees/{trainee_id}/{jurisdiction}", "/practise/packs/{pack_id}",
    ],
    "admin": [
        "/admin/users", "/admin/users/new", "/admin/users/{trainee_id}", "/admin/certificates",
        "/admin/certificates/{certificate_id}", "/admin/users/{trainee_id}/active/confirm",
        "/admin/certificates/{certificate_id}/revoke/confirm", "/admin/certificates/rules/{finished_id}",
    ],
}

#: pages for broken links and unknown addresses (URL template -> status), walked as anonymous:
#: the shared error page and the "link no longer works" page must be as usable as any other
#: (a confirmation link is opened with a button, so its page answers 200 and refuses on POST)
ERROR_PAGES: dict[str, int] = {
    "/no-such-page": 404,
    "/email/verify/not-a-real-link": 200,
    "/password/reset/not-a-real-link": 400,
    "/evidence/NOT-A-CODE": 404,
    "/verify/NOT-A-CODE": 404,
}
