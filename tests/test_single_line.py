"""Every one-line text field of every form refuses newlines and control characters."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm

from training.validators import is_single_line_field, single_line


def _all_form_classes():
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_single_line_field_of_every_form_has_the_rule(app):
    checked = 0
    with app.test_request_context():
        for cls in _all_form_classes():
            try:
                form = cls()
            except TypeError:  # forms built for one object need it; the binding rule is the same
                continue
            for field in form:
                if is_single_line_field(field):
                    assert field.validators[0] is single_line, f"{cls.__name__}.{field.name}"
                    checked += 1
    assert checked > 20


@pytest.mark.parametrize("bad", ["Dry\nNeedling", "Dry\rNeedling", "Dry\tNeedling", "Dry\u2028Needling",
                                 "Dry\x1bNeedling"])
def test_a_form_of_another_feature_refuses_a_newline_next_to_the_field(client, make_user, login, bad, db):
    login(make_user("instructor"))
    response = client.post("/author/courses/new", data={
        "code": "DN-200", "slug": "dn-200", "title": bad, "provider": "Institute", "contact_hours": "8",
        "practical_hours": "0"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "single line without control characters" in page.split('id="title-error"')[1].split("</div>")[0]


def test_text_areas_keep_their_newlines(app):
    from modules.forms import CourseForm

    with app.test_request_context(method="POST", data={"summary": "Line one\nLine two"}):
        form = CourseForm()
        form.validate()
        assert "summary" not in form.errors
