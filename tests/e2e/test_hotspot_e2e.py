"""Hotspot questions in the browser: an instructor draws zones, a trainee answers with the mouse
and the keyboard; lesson figures fit a phone and open full size."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from modules.media.body_charts import add_body_chart
from modules.models import Course, Enrolment, Lesson, LessonCompletion, Module
from modules.services import save_revision
from quizzes.models import Attempt, Question, Quiz
from tests.e2e.a11y import log_in
from tests.e2e.people import live_user
from training.auth.models import User


def wait_for_image(image) -> None:
    """Wait until the image has loaded (wait_for_function would evaluate a string, which the
    pages' Content-Security-Policy rightly forbids)."""
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("element => element.naturalWidth") > 0


def person(live_db, role: str, tag: str) -> str:
    return live_user(live_db, role, f"{role.title()} {tag}", profession="physical_therapist",
                     license_number="PT-1", license_state="TX")


def arrange(live_db):
    tag = uuid.uuid4().hex[:8]
    course = Course(code=f"HS{tag}"[:20], slug=f"hotspot-{tag}", title=f"Hotspot course {tag}", provider="P",
                    published=True)
    module = Module(position=1, slug="anatomy", title="Anatomy", objectives=["Locate trigger points"])
    course.modules = [module]
    module.lessons = [Lesson(position=1, slug="intro", title="Introduction", minutes=5)]
    instructor, trainee = person(live_db, "instructor", tag), person(live_db, "trainee", tag)
    live_db.session.add(course)
    live_db.session.flush()
    chart = add_body_chart(course.id, "back")
    save_revision(module.lessons[0], "Introduction",
                  f'Read me.\n\n![Posterior view of the body](/media/{chart.filename} "Figure 1. The back")\n')
    trainee_id = live_db.session.scalar(select(User.id).where(User.email == trainee))
    live_db.session.add(Enrolment(user_id=trainee_id, course_id=course.id))
    live_db.session.add(LessonCompletion(user_id=trainee_id, lesson_id=module.lessons[0].id))
    live_db.session.add(Quiz(module_id=module.id, title="Anatomy quiz", pass_mark=80, grading_method="highest",
                             shuffle_questions=False, shuffle_choices=False, review_policy="after_attempt"))
    live_db.session.commit()
    return course, module.id, module.lessons[0].id, instructor, trainee


def click_at(stage, x_percent: float, y_percent: float) -> None:
    box = stage.bounding_box()
    stage.click(position={"x": box["width"] * x_percent / 100, "y": box["height"] * y_percent / 100})


def test_author_draws_zones_and_trainee_answers_with_mouse_and_keyboard(page, browser, live_server, live_db):
    course, module_id, _lesson_id, instructor, trainee = arrange(live_db)

    log_in(page, instructor)
    page.goto(f"/author/quizzes/modules/{module_id}/questions/new/hotspot")
    page.get_by_label("Title").fill("Trapezius point")
    page.get_by_label("Question (Markdown)").fill("Mark the upper trapezius trigger point.")
    page.get_by_label("Body chart or image").select_option(label="back.svg")
    stage = page.locator("[data-zone-editor] [data-stage]")
    expect(stage.locator("img")).to_have_attribute("src", re.compile(r"/media/[0-9a-f]{64}\.svg$"))
    wait_for_image(page.locator("[data-chart]"))
    click_at(stage, 40, 20)  # circle tool: a zone centred where the author clicks
    page.get_by_label("Zone 1 label").fill("Upper trapezius")
    page.get_by_label("Zone 1 radius %").fill("8")
    page.get_by_label("Zone 1 radius %").press("Tab")
    page.get_by_role("button", name="Polygon", exact=True).click()
    for x, y in ((70, 15), (80, 15), (80, 25)):
        click_at(stage, x, y)
    page.get_by_role("button", name="Finish polygon").click()
    page.get_by_label("Zone 2 label").fill("Lung apex")
    page.get_by_label("Zone 2 weight %").fill("-50")
    page.get_by_label("Zone 2 weight %").press("Tab")
    expect(stage.locator("ellipse")).to_have_count(1)
    expect(stage.locator("polygon")).to_have_count(1)
    page.get_by_label("Markers the trainee may place").fill("2")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question saved.")).to_be_visible()
    live_db.session.expire_all()
    question = live_db.session.scalar(select(Question).where(Question.title == "Trapezius point"))
    circle, polygon = question.data["zones"]
    assert abs(circle["cx"] - 40) < 1.5 and abs(circle["cy"] - 20) < 1.5 and circle["r"] == 8
    assert polygon["fraction"] == -0.5 and len(polygon["points"]) == 3

    context = browser.new_context(base_url=live_server)
    trainee_page = context.new_page()
    trainee_page.set_default_timeout(10_000)
    log_in(trainee_page, trainee)
    trainee_page.goto(f"/courses/{course.slug}")
    trainee_page.get_by_role("link", name="Anatomy quiz", exact=True).first.click()
    trainee_page.get_by_role("button", name="Start attempt").click()
    answer_stage = trainee_page.locator("[data-hotspot] [data-stage]")
    wait_for_image(trainee_page.locator("[data-hotspot] img"))
    assert "Upper trapezius" not in trainee_page.content() and "Lung apex" not in trainee_page.content()

    click_at(answer_stage, 41, 21)  # the mouse: marker 1 in the target zone
    marker_1 = trainee_page.get_by_role("textbox", name="Marker 1", exact=True)
    expect(marker_1).to_have_value(re.compile(r"^4[01](\.\d)?,2[01](\.\d)?$"))
    answer_stage.focus()  # the keyboard: marker 2 placed in the middle, moved with the arrows
    trainee_page.keyboard.press("Enter")
    expect(trainee_page.get_by_role("textbox", name="Marker 2", exact=True)).to_have_value("50,50")
    for _ in range(6):
        trainee_page.keyboard.press("Shift+ArrowUp")
    for _ in range(2):
        trainee_page.keyboard.press("Shift+ArrowLeft")
    trainee_page.keyboard.press("ArrowRight")
    expect(trainee_page.get_by_role("textbox", name="Marker 2", exact=True)).to_have_value("41,20")
    expect(trainee_page.locator("[data-hotspot] [data-status]")).to_have_text("Marker 2 at 41% across, 20% down.")
    expect(trainee_page.locator("#save-status")).to_contain_text("Saved at")
    trainee_page.get_by_role("button", name="Review and submit").click()
    trainee_page.get_by_role("button", name="Submit attempt").click()
    expect(trainee_page.get_by_role("status")).to_contain_text("100%")
    expect(trainee_page.get_by_text(re.compile(r"Your mark 2 at 41\.0% across, 20\.0% down: in Upper trapezius")))\
        .to_be_visible()
    live_db.session.expire_all()
    attempt = live_db.session.scalar(select(Attempt).join(Quiz).where(Quiz.module_id == module_id))
    assert attempt.responses[0].answer["marks"][1] == [41, 20]
    context.close()


def test_lesson_figure_fits_a_phone_and_opens_full_size(page, live_db):
    course, _module_id, lesson_id, _instructor, trainee = arrange(live_db)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, trainee)
    page.goto(f"/courses/{course.slug}/lessons/{lesson_id}")
    figure = page.locator("figure.lesson-figure")
    expect(figure.locator("figcaption")).to_have_text("Figure 1. The back")
    expect(figure.get_by_role("img", name="Posterior view of the body")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert figure.locator("img").bounding_box()["width"] <= 390
    figure.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/media/[0-9a-f]{64}\.svg$"))
