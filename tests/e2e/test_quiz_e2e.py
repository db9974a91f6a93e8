"""A trainee passes a module quiz in the browser and the next module unlocks."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from modules.models import Course, Enrolment, Lesson, Module
from modules.services import save_revision
from quizzes.models import Quiz
from quizzes.questions import import_gift
from tests.conftest import _PASSWORD_HASH, PASSWORD
from training.auth.models import User, UserRole

GIFT = """
::Needle::[markdown]Which needle is used for dry needling? {=Filiform ~Hypodermic ~Suture}

::Criteria::[markdown]Which are trigger point criteria? {~%50%Taut band ~%50%Referred pain ~%-100%Fever}

::Gloves::[markdown]Gloves are needed when contact with body fluids is expected. {T}

::CEU::[markdown]How many contact hours make one CEU? {#10:0}

::Sharps::[markdown]Name the container for used needles. {=sharps container}

::Terms::[markdown]Match each term. {
=Active -> reproduces symptoms
=Latent -> does not reproduce symptoms
=Taut band -> palpable rope-like fibres
}
"""


def build_course(live_db) -> tuple[str, str, str]:
    tag = uuid.uuid4().hex[:8]
    course = Course(code=f"QZ{tag}"[:20], slug=f"quiz-e2e-{tag}", title=f"Quiz course {tag}", provider="P",
                    published=True, seat_time_percent=0)  # time on task has its own test
    module1 = Module(position=1, slug="basics", title="Basics")
    module2 = Module(position=2, slug="next", title="Next steps")
    course.modules = [module1, module2]
    module1.lessons = [Lesson(position=1, slug="intro", title="Introduction", minutes=5)]
    module2.lessons = [Lesson(position=1, slug="advanced", title="Advanced lesson", minutes=5)]
    email = f"quiz-{tag}@example.org"
    user = User(email=email, name="Quinn Trainee", password_hash=_PASSWORD_HASH,
                profession="chiropractor", license_number="DC-1", license_state="OR")
    user.role_rows = [UserRole(role="trainee")]
    live_db.session.add_all([course, user])
    live_db.session.flush()
    save_revision(module1.lessons[0], "Introduction", "Read me first.")
    save_revision(module2.lessons[0], "Advanced lesson", "Unlocked content.")
    import_gift(module1.id, GIFT)
    live_db.session.add(Quiz(module_id=module1.id, title="Basics quiz", pass_mark=80, grading_method="highest",
                             shuffle_questions=True, shuffle_choices=True, review_policy="after_attempt"))
    live_db.session.add(Enrolment(user_id=user.id, course_id=course.id))
    live_db.session.commit()
    return course.slug, email, course.title


def test_trainee_passes_quiz_and_next_module_unlocks(page, live_db):
    slug, email, title = build_course(live_db)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/courses/{slug}")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("link", name="Advanced lesson", exact=True)).to_have_count(0)  # locked

    modules = page.locator("section.card")  # the outline, not the "what is left" list
    modules.get_by_role("link", name="Introduction", exact=True).click()
    page.get_by_role("button", name="Mark as complete").click()
    # the module's last lesson leads on to its quiz
    expect(page.get_by_role("button", name="Start attempt")).to_be_visible()
    page.get_by_role("button", name="Start attempt").click()

    page.get_by_label("Filiform").check()
    page.get_by_role("checkbox", name="Taut band").check()
    page.get_by_label("Referred pain").check()
    page.get_by_label("True").check()
    page.get_by_label("Your answer (a number)").fill("10")
    page.get_by_label("Your answer", exact=True).fill("Sharps Container")
    page.get_by_role("combobox", name="Active").select_option(label="reproduces symptoms")
    page.get_by_role("combobox", name="Latent").select_option(label="does not reproduce symptoms")
    page.get_by_role("combobox", name="Taut band").select_option(label="palpable rope-like fibres")
    expect(page.locator("#save-status")).to_contain_text("Saved at")  # autosave reached the server
    expect(page.locator("#answered-count")).to_have_text("6 of 6 answered")
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_text("6 of 6")).to_be_visible()
    page.get_by_role("button", name="Submit attempt").click()

    expect(page.get_by_role("status")).to_contain_text("100%")
    expect(page.get_by_role("status")).to_contain_text("passed")
    page.get_by_role("link", name="Continue: Advanced lesson").click()  # on to the next module
    expect(page.get_by_text("Unlocked content.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/lessons/\d+$"))


def log_in_and_start(page, live_db) -> tuple[str, str]:
    slug, email, _title = build_course(live_db)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/courses/{slug}")
    page.locator("section.card").get_by_role("link", name="Introduction", exact=True).click()
    page.get_by_role("button", name="Mark as complete").click()  # the quiz opens once the lesson is done
    page.get_by_role("button", name="Start attempt").click()
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+$"))
    return slug, page.url


def test_typed_text_survives_closing_the_tab_at_once(page, live_db):
    _slug, attempt_url = log_in_and_start(page, live_db)
    page.get_by_label("Your answer", exact=True).fill("sharps contai")
    page.get_by_label("Your answer", exact=True).press_sequentially("ner")  # typing, no change event yet
    page.close(run_before_unload=True)  # closed before the debounce fires

    reopened = page.context.new_page()
    for _ in range(20):  # the request sent while the tab closed may still be on its way
        reopened.goto(attempt_url)
        if reopened.get_by_label("Your answer", exact=True).input_value() == "sharps container":
            break
        reopened.wait_for_timeout(250)
    expect(reopened.get_by_label("Your answer", exact=True)).to_have_value("sharps container")
    expect(reopened.locator("#answered-count")).to_have_text("1 of 6 answered")


def test_navigator_and_summary_show_answered_and_unanswered(page, live_db):
    log_in_and_start(page, live_db)
    navigator = page.get_by_role("navigation", name="Questions")
    expect(navigator.get_by_role("link")).to_have_count(6)
    expect(navigator.get_by_role("link", name=re.compile("answered$"))).to_have_count(6)
    page.get_by_label("Filiform").check()
    expect(navigator.get_by_role("link", name=re.compile(", answered$"))).to_have_count(1)
    expect(page.locator("#answered-count")).to_have_text("1 of 6 answered")
    page.get_by_label("Your answer (a number)").fill("ten")
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("alert")).to_contain_text("1 answer could not be accepted. Every other answer is saved.")
    expect(page.locator("fieldset[aria-invalid=true]")).to_have_count(1)
    page.get_by_label("Your answer (a number)").fill("10")
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    expect(page.get_by_text("2 of 6")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("4 questions not answered yet")
    page.get_by_role("link", name="Change question 1").click()
    expect(page).to_have_url(re.compile(r"#question-1$"))


def test_on_a_phone_options_are_full_width_targets_and_the_status_stays_in_view(page, live_db):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_and_start(page, live_db)
    option = page.locator(".answer-option", has_text="Filiform")
    card = option.locator("xpath=ancestor::fieldset[1]")
    option.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    option_box, card_box = option.bounding_box(), card.bounding_box()
    assert option_box["width"] >= 0.85 * card_box["width"]
    assert option_box["height"] >= 44
    # a tap near the right edge of the option, far from the radio and the words, selects it
    page.mouse.click(option_box["x"] + option_box["width"] - 8, option_box["y"] + option_box["height"] / 2)
    expect(page.get_by_label("Filiform")).to_be_checked()
    page.evaluate("() => window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})")
    for locator in (page.locator("#answered-count"), page.get_by_role("navigation", name="Questions")):
        box = locator.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    expect(page.locator("#answered-count")).to_have_text("1 of 6 answered")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
