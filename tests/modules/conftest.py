"""Fixtures for the course tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def app(app):
    """The authoring course page links each module to its quiz pages through the quiz layer's
    ``module_links``; while those endpoints are not there, the page shows no such links."""
    if "quiz_authoring.pool" not in app.view_functions:
        app.jinja_env.globals["module_links"] = lambda module: []
    return app


@pytest.fixture
def trainee(make_user):
    return make_user("trainee")


@pytest.fixture
def instructor(make_user):
    return make_user("instructor", name="Iris Instructor")
