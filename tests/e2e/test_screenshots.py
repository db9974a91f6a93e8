"""The README's screenshots, taken from the real app: the dashboard, a lesson, the quiz on a
phone, a result that teaches. ``make screenshots`` writes them to docs/screenshots/; in a normal
test run they go to a temporary folder, so the pages and the shrinking are still checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from quizzes.models import Quiz
from tests.e2e.a11y import DESKTOP, PHONE, log_in
from tests.e2e.world import build_world

#: largest PNG committed to the repository
MAX_BYTES = 160_000


@pytest.fixture(scope="module")
def world(live_app):
    from training.extensions import db

    with live_app.app_context():
        built = build_world(db)
        quiz = db.session.scalar(select(Quiz).where(Quiz.id == built.ids["quiz_id"]))
        quiz.review_policy = "after_attempt"  # the result shows what it teaches
        db.session.commit()
        db.session.remove()
    return built


def shrink(path: Path, width: int) -> None:
    """Scale to ``width`` and reduce to a 128-colour palette: small files, readable text."""
    with Image.open(path) as image:
        image = image.convert("RGB")
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def test_readme_screenshots(world, page, tmp_path):
    target = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    page.emulate_media(reduced_motion="reduce")
    log_in(page, world.emails["trainee"])
    shots = [
        ("dashboard.png", "/dashboard", DESKTOP, 960),
        ("lesson.png", "/courses/{slug}/lessons/{table_lesson_id}", DESKTOP, 960),
        ("quiz-phone.png", "/quizzes/attempts/{open_attempt_id}", PHONE, 390),
        ("result.png", "/quizzes/attempts/{graded_attempt_id}/result", DESKTOP, 960),
    ]
    for name, url, viewport, width in shots:
        page.set_viewport_size(viewport)
        page.goto(world.url(url))
        if name == "quiz-phone.png":
            page.locator("fieldset.question input:not([type=hidden])").first.focus()
            page.keyboard.press("Space")
            page.evaluate("() => window.scrollTo(0, 0)")
        path = target / name
        page.screenshot(path=str(path))
        shrink(path, width)
        assert path.stat().st_size < MAX_BYTES, (name, path.stat().st_size)
