"""One base error for refused input, and one helper that shows it next to its field."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import FieldList, StringField

from modules.services import ContentError
from quizzes.questions import QuestionError
from training.auth.services import AccountError
from training.errors import RuleViolation
from training.forms import show_error


class _Form(FlaskForm):
    title = StringField("Title")
    choices = FieldList(StringField("Choice"), min_entries=2)


@pytest.mark.parametrize("error", [AccountError, ContentError, QuestionError])
def test_every_field_error_is_a_rule_violation(error):
    err = error("Too long.", "title")
    assert isinstance(err, RuleViolation) and err.field == "title" and str(err) == "Too long."


def test_show_error_puts_the_message_next_to_the_named_field(app):
    with app.test_request_context(method="POST", data={"title": "x"}):
        form = _Form()
        form.validate()
        show_error(form, RuleViolation("Another course uses this title.", "title"))
        assert form.title.errors == ["Another course uses this title."]
        assert form.form_errors == []


def test_show_error_falls_back_to_the_default_then_the_top_of_the_form(app):
    with app.test_request_context(method="POST"):
        form = _Form()
        form.validate()
        show_error(form, RuleViolation("Pick a title."), default="title")
        show_error(form, RuleViolation("Nothing by that name.", "no_such_field"))
        show_error(form, RuleViolation("Give at least two choices.", "choices"))
        assert form.title.errors == ["Pick a title."]
        assert form.form_errors == ["Nothing by that name.", "Give at least two choices."]
