"""Positions stay 1..n without gaps when modules and lessons are added, moved or deleted."""

from __future__ import annotations

import re

import pytest

from modules.models import Lesson, Module
from modules.services import ContentError, place, save_lesson, save_module
from tests.factories import build_course, lessons_in, modules_in, record_completions
from training.extensions import db


def titles_and_positions(items) -> list[tuple[str, int]]:
    return [(i.title, i.position) for i in items]


def test_add_at_the_end_or_at_a_position(app):
    course = build_course((2,))
    module = modules_in(course.id)[0]
    save_lesson(module, Lesson(), title="First now", body="x", slug="first", minutes=5,
                published=True, position=1)
    save_lesson(module, Lesson(), title="Last", body="x", slug="last", minutes=5, published=True)
    db.session.commit()
    assert titles_and_positions(lessons_in(course.id)) == [
        ("First now", 1), ("Lesson 1.1", 2), ("Lesson 1.2", 3), ("Last", 4),
    ]


@pytest.mark.parametrize("position", [0, 4, -1, 99])
def test_position_out_of_range_is_refused_and_changes_nothing(app, position):
    course = build_course((3,))
    lessons = lessons_in(course.id)
    with pytest.raises(ContentError, match="between 1 and 3") as raised:
        place(lessons, lessons[0], position)
    assert raised.value.field == "position"
    assert [lesson.position for lesson in lessons] == [1, 2, 3]


def test_move_and_delete_through_the_pages(client, login, instructor):
    course = build_course((3, 1, 1))
    first, second, third = lessons_in(course.id)[:3]
    login(instructor)
    response = client.post(f"/author/lessons/{first.id}/move", data={"position": "3"})
    assert response.status_code == 302
    assert titles_and_positions(lessons_in(course.id)[:3]) == [
        ("Lesson 1.2", 1), ("Lesson 1.3", 2), ("Lesson 1.1", 3),
    ]
    module_3 = modules_in(course.id)[2]
    client.post(f"/author/modules/{module_3.id}/move", data={"position": "1"})
    assert [m.title for m in modules_in(course.id)] == ["Module 3", "Module 1", "Module 2"]
    assert [m.position for m in modules_in(course.id)] == [1, 2, 3]

    client.post(f"/author/lessons/{third.id}/delete")
    assert titles_and_positions(lessons_in(course.id)[1:3]) == [("Lesson 1.2", 1), ("Lesson 1.1", 2)]
    client.post(f"/author/modules/{module_3.id}/delete")
    assert [(m.title, m.position) for m in modules_in(course.id)] == [("Module 1", 1), ("Module 2", 2)]


@pytest.mark.parametrize("value", ["0", "9", "", "two"])
def test_bad_move_answers_400_with_the_message_beside_the_field(client, login, instructor, value):
    course = build_course((2, 1))
    first = lessons_in(course.id)[0]
    login(instructor)
    response = client.post(f"/author/lessons/{first.id}/move", data={"position": value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="lesson-position-{first.id}-error"' in page
    assert re.search(rf'id="lesson-position-{first.id}"\s+name="position"[^>]*aria-invalid="true"', page)
    message = "between 1 and 2" if value.isdigit() else ("Give a position" if not value else "integer")
    assert message in page
    assert [lesson.position for lesson in lessons_in(course.id)] == [1, 2, 1]


def test_module_move_out_of_range(client, login, instructor):
    course = build_course((1, 1))
    module = modules_in(course.id)[1]
    login(instructor)
    response = client.post(f"/author/modules/{module.id}/move", data={"position": "3"})
    assert response.status_code == 400
    assert f'id="module-position-{module.id}-error"' in response.get_data(as_text=True)
    assert [m.title for m in modules_in(course.id)] == ["Module 1", "Module 2"]


def test_content_trainees_completed_is_unpublished_not_deleted(client, login, instructor, trainee):
    course = build_course((2, 1))
    first = lessons_in(course.id)[0]
    module_1 = modules_in(course.id)[0]
    record_completions(trainee.id, [first])
    login(instructor)
    response = client.post(f"/author/lessons/{first.id}/delete", follow_redirects=True)
    assert "unpublish it instead" in response.get_data(as_text=True)
    response = client.post(f"/author/modules/{module_1.id}/delete", follow_redirects=True)
    assert "unpublish it instead" in response.get_data(as_text=True)
    assert len(lessons_in(course.id)) == 3


def test_editing_keeps_the_position(app):
    course = build_course((1, 1))
    module = modules_in(course.id)[1]
    save_module(course, module, title="Renamed", slug="renamed", objectives=[], intro="",
                published=True)
    db.session.commit()
    assert [(m.title, m.position) for m in modules_in(course.id)] == [("Module 1", 1), ("Renamed", 2)]
    with pytest.raises(ContentError, match="already uses the slug"):
        save_module(course, Module(), title="Clash", slug="module-1", objectives=[], intro="",
                    published=True)
