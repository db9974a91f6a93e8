"""The whole CE journey in a real browser: register, read, pass every quiz, attend the lab
(attendance taken on the roster), have each rubric skill assessed, download the certificate,
open the verification page from the link the QR code carries."""

from __future__ import annotations

import io
import re
import uuid
from decimal import Decimal

from playwright.sync_api import expect
from pypdf import PdfReader

from modules.models import Course, Lesson, Module
from modules.services import save_revision
from quizzes.models import Question, Quiz
from tests.conftest import _PASSWORD_HASH, PASSWORD
from training.auth.models import User, UserRole
from training.certificates.record import extract_record

CHECKLIST = ["Clean needle technique", "Palpation of a taut band"]
TRAINEE_PASSWORD = "Orbit-Canyon-Thistle-64"


def make_course(db, tag: str) -> Course:
    """A two-module course, each module with two lessons and a one-question quiz."""
    course = Course(
        code=f"J-{tag}", slug=f"journey-{tag}", title=f"Dry Needling Journey {tag}",
        provider="Northfield Institute of Manual Therapy", approval_number="NIMT-CE-2026-0147",
        contact_hours=Decimal("2"), practical_hours=Decimal("27"), requires_signoff=True,
        signoff_checklist=CHECKLIST, published=True,
        seat_time_percent=0,  # time on task has its own browser test
    )
    for m in (1, 2):
        module = Module(position=m, slug=f"m{m}", title=f"Module {m} of {tag}")
        module.lessons = [Lesson(position=i, slug=f"l{i}", title=f"Lesson {m}.{i}", minutes=30)
                          for i in (1, 2)]
        course.modules.append(module)
    db.session.add(course)
    db.session.flush()
    for module in course.modules:
        for lesson in module.lessons:
            save_revision(lesson, lesson.title, f"Body of {lesson.title}.")
        db.session.add(Quiz(module_id=module.id, title=f"Quiz {module.position}", pass_mark=80))
        db.session.add(Question(
            module_id=module.id, qtype="truefalse", prompt="Filiform needles are single use.",
            prompt_html="<p>Filiform needles are single use.</p>",
            data={"choices": [{"id": 1, "text": "True", "fraction": 1.0, "feedback": ""},
                              {"id": 2, "text": "False", "fraction": 0.0, "feedback": ""}],
                  "numeric": [], "pairs": []},
        ))
    db.session.commit()
    return course


def running_lab(db, slug: str, trainee_email: str, instructor_email: str) -> tuple[int, list[str]]:
    """A two-day lab that started yesterday at 06:00 UTC, the trainee holding a seat, and the
    course's rubric (one skill per item): sessions cannot be booked once they have started."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from tests.factories import ensure_rubric
    from training.practical.models import Seat, Workshop

    course = db.session.scalar(select(Course).where(Course.slug == slug))
    trainee = db.session.scalar(select(User).where(User.email == trainee_email))
    instructor = db.session.scalar(select(User).where(User.email == instructor_email))
    start = (datetime.utcnow() - timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)
    workshop = Workshop(course_id=course.id, title="Journey lab", venue=f"Lab {slug}", timezone="UTC",
                        starts_at=start, ends_at=start + timedelta(days=1, hours=14), capacity=8, ratio=8)
    workshop.instructors = [instructor]
    db.session.add(workshop)
    db.session.flush()
    db.session.add(Seat(workshop_id=workshop.id, user_id=trainee.id, status="confirmed", queue_number=1,
                        confirmed_at=start))
    skills = [s.title for s in ensure_rubric(course)]
    db.session.commit()
    return workshop.id, skills


def make_instructor(db, email: str) -> None:
    user = User(email=email, name="Ravi Menon", password_hash=_PASSWORD_HASH)
    user.role_rows = [UserRole(role="instructor")]
    db.session.add(user)
    db.session.commit()


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()  # logged in, on the home dashboard


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()


def work_through_the_course(page) -> None:
    """Follow the dashboard's Continue button: mark lessons complete, pass each quiz."""
    for _ in range(12):
        page.goto("/dashboard")
        continue_link = page.get_by_role("link", name="Continue")
        if continue_link.count() == 0:
            return
        continue_link.click()
        if "/practical/" in page.url:  # the online part is done; the lab is next
            return
        if "/lessons/" in page.url:
            page.get_by_role("button", name="Mark as complete").click()
        else:
            page.get_by_role("button", name=re.compile("Start")).click()
            page.get_by_label("True", exact=True).check()
            page.get_by_role("button", name="Review and submit").click()
            page.get_by_role("button", name="Submit attempt").click()
            expect(page.get_by_text("Your attempt has been submitted and graded.")).to_be_visible()
    raise AssertionError("the course was not finished in 12 steps")


def test_register_learn_signoff_download_verify(page, browser, live_server, live_app, live_db,
                                                tmp_path, live_mail):
    live_app.config["CERT_SIGNING_KEY_PATH"] = str(tmp_path / "signing-key.pem")
    live_app.extensions.pop("certificate_signing_key", None)
    tag = uuid.uuid4().hex[:8]
    course = make_course(live_db, tag)
    slug, title = course.slug, course.title
    trainee_email, instructor_email = f"ana-{tag}@example.org", f"ravi-{tag}@example.org"
    make_instructor(live_db, instructor_email)

    # register and enrol
    page.goto("/register")
    page.get_by_label("Given name(s)").fill("Ana")
    page.get_by_label("Family name").fill("Ribeiro")
    page.get_by_label("Email").fill(trainee_email)
    page.get_by_label("Profession").select_option("physical_therapist")
    page.get_by_label("License number").fill("PT-778812")
    page.get_by_label("Licensing state or jurisdiction").fill("GA")
    page.get_by_label("Password", exact=True).fill(TRAINEE_PASSWORD)
    page.get_by_label("Repeat password").fill(TRAINEE_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    page.goto(live_mail.link_to(trainee_email, "/email/verify/"))
    page.get_by_role("button", name="Confirm my email address").click()
    log_in(page, trainee_email, TRAINEE_PASSWORD)
    page.goto(f"/courses/{slug}")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text(f"You are enrolled in {title}.")).to_be_visible()

    # read every lesson and pass every quiz, then wait for the practical
    work_through_the_course(page)
    page.goto("/dashboard")
    expect(page.get_by_text("Waiting for the practical")).to_be_visible()
    expect(page.get_by_text("0 of 27 in-person hours attended")).to_be_visible()
    log_out(page)
    workshop_id, skills = running_lab(live_db, slug, trainee_email, instructor_email)

    # the instructor takes attendance on the roster, one day after the other, then assesses each skill
    log_in(page, instructor_email, PASSWORD)
    page.goto(f"/practical/workshops/{workshop_id}")
    for day in (0, 1):
        page.get_by_role("link", name="Roster").nth(day).click()
        page.get_by_label("Check-in").fill("06:00")
        page.get_by_label("Check-out").fill("19:30")
        page.get_by_role("button", name="Save Ana Ribeiro").click()
        expect(page.get_by_text("Attendance saved.")).to_be_visible()
        expect(page.get_by_text("13.5 h")).to_be_visible()
        page.goto(f"/practical/workshops/{workshop_id}")
    page.get_by_role("link", name="assess skills of Ana Ribeiro").click()
    for skill in skills:
        page.get_by_role("link", name=skill, exact=True).click()
        page.get_by_label(f"{skill}, observed").check()
        page.get_by_label("Outcome").select_option("competent")
        page.get_by_label("Notes").fill("Safe, confident technique.")
        page.get_by_role("button", name="Record assessment").click()
        expect(page.get_by_text(f"Assessment of \u201c{skill}\u201d recorded for Ana Ribeiro.")).to_be_visible()
    page.get_by_role("link", name="Cohorts").first.click()
    page.get_by_role("link", name=title).click()
    expect(page.locator("#waiting-count")).to_have_text("0 waiting for the practical")
    log_out(page)

    # the trainee downloads the certificate
    log_in(page, trainee_email, TRAINEE_PASSWORD)
    page.get_by_role("link", name="My certificates").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download PDF")).click()
    data = (tmp_path / "certificate.pdf")
    download_info.value.save_as(data)
    pdf = data.read_bytes()
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    record = extract_record(pdf)
    serial, code = record["snapshot"]["serial"], record["snapshot"]["verification_code"]
    for expected in ("Ana Ribeiro", serial, "GA License No. PT-778812", title):
        assert expected in text, expected
    assert (record["snapshot"]["online_hours"], record["snapshot"]["practical_hours"],
            record["snapshot"]["ceus"]) == ("2", "27", "2.9")
    link = re.search(r"Verify at (\S+)", text).group(1)
    assert link == f"{live_server}/verify/{code}"

    # anyone can open the link the QR code carries, without logging in
    visitor = browser.new_context(base_url=live_server)
    try:
        public = visitor.new_page()
        public.goto(link)
        expect(public.get_by_text("Valid.")).to_be_visible()
        expect(public.locator("#cert-name")).to_have_text("Ana Ribeiro")
        expect(public.get_by_text(serial).first).to_be_visible()
        assert trainee_email not in public.content()
    finally:
        visitor.close()
