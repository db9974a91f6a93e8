"""Numbers of hundreds of digits and page numbers past 64 bits: a message, never a 500."""

from __future__ import annotations

import pytest

from modules.models import Lesson, Module
from quizzes.models import Quiz
from training.extensions import db

HUGE = "9" * 300


@pytest.fixture
def staff_client(client, make_user, login):
    return login(make_user("instructor", "admin"))


@pytest.mark.parametrize("field", ["pass_mark", "time_limit_minutes", "attempts_allowed", "draw_count"])
def test_quiz_settings_refuse_huge_numbers_next_to_the_field(world_course, staff_client, field):
    module, quiz = world_course
    values = {"title": "Quiz", "pass_mark": "80", "grading_method": "highest", "review_policy": "never",
              field: HUGE}
    response = staff_client.post(f"/author/quizzes/modules/{module.id}/settings", data=values)
    assert response.status_code == 400
    assert "at most 9 digits" in response.get_data(as_text=True)
    db.session.refresh(quiz)
    assert quiz.pass_mark == 80


def test_lesson_minutes_refuse_huge_numbers(world_course, staff_client):
    module, _quiz = world_course
    response = staff_client.post(f"/author/modules/{module.id}/lessons/new", data={
        "title": "A lesson", "slug": "a-lesson", "minutes": HUGE, "body": "Text."})
    assert response.status_code == 400
    assert "at most 9 digits" in response.get_data(as_text=True)
    assert db.session.query(Lesson).count() == 1  # only the one the course was built with


@pytest.mark.parametrize("url", ["/admin/users", "/admin/certificates"])
@pytest.mark.parametrize("page", ["9223372036854775807", HUGE, "-5", "x"])
def test_absurd_page_numbers_show_a_page(staff_client, url, page):
    response = staff_client.get(url, query_string={"page": page})
    assert response.status_code == 200


@pytest.fixture
def world_course(db):
    from tests.factories import build_course

    course = build_course((1,), published=False)
    module = db.session.scalar(db.select(Module).where(Module.course_id == course.id))
    quiz = Quiz(module_id=module.id, title="Quiz", pass_mark=80)
    db.session.add(quiz)
    db.session.commit()
    return module, quiz


def test_every_integer_field_is_bounded(app):
    """A plain IntegerField overflows on hundreds of digits: forms use BoundedIntegerField."""
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    from training.forms import BoundedIntegerField

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    plain = []
    for form in subclasses(FlaskForm):
        for name in dir(form):
            field = getattr(form, name, None)
            field_class = getattr(field, "field_class", None)
            if field_class is not None and issubclass(field_class, IntegerField) and not issubclass(
                field_class, BoundedIntegerField
            ):
                plain.append(f"{form.__module__}.{form.__name__}.{name}")
    assert plain == []
