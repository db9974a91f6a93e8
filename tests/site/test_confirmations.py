"""Destructive actions ask first: a page says what will happen; the link to it changes nothing."""

from __future__ import annotations

import re

from modules.models import Course, Lesson, Module
from training.auth.models import User
from training.records.tokens import create_token


def form_action(html: str) -> str:
    """The action of the page's form that carries the danger button."""
    match = re.search(r'<form method="post" action="([^"]+)" novalidate>', html)
    assert match, html
    return match.group(1)


def test_deleting_a_lesson_and_a_module_asks_first(client, db, make_user, login):
    course = Course(code="C-1", slug="c-1", title="Course", provider="P")
    module = Module(position=1, slug="m", title="Anatomy")
    module.lessons = [Lesson(position=1, slug="l", title="Danger zones", minutes=10)]
    course.modules = [module]
    db.session.add(course)
    db.session.commit()
    login(make_user("instructor"))
    page = client.get(f"/author/courses/{course.id}").get_data(as_text=True)
    assert f'action="/author/lessons/{module.lessons[0].id}/delete"' not in page  # no one-click delete
    assert f'href="/author/lessons/{module.lessons[0].id}/delete/confirm"' in page

    confirm = client.get(f"/author/lessons/{module.lessons[0].id}/delete/confirm").get_data(as_text=True)
    assert "Delete lesson “Danger zones”?" in confirm and "deleted for good" in confirm
    assert form_action(confirm) == f"/author/lessons/{module.lessons[0].id}/delete"
    assert db.session.get(Lesson, module.lessons[0].id) is not None  # looking changed nothing
    client.post(form_action(confirm))
    db.session.expire_all()
    assert db.session.scalars(db.select(Lesson)).all() == []

    confirm = client.get(f"/author/modules/{module.id}/delete/confirm").get_data(as_text=True)
    assert "Delete module “Anatomy”?" in confirm
    assert form_action(confirm) == f"/author/modules/{module.id}/delete"


def test_deactivating_an_account_asks_first(client, db, make_user, login):
    admin, target = make_user("admin"), make_user("trainee", name="Dana Whitfield")
    login(admin)
    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert f'action="/admin/users/{target.id}/active"' not in page
    confirm = client.get(f"/admin/users/{target.id}/active/confirm").get_data(as_text=True)
    assert "Deactivate the account of Dana Whitfield?" in confirm and "logged out on every device" in confirm
    assert db.session.get(User, target.id).active
    client.post(form_action(confirm), data={"active": ""})
    db.session.expire_all()
    assert not db.session.get(User, target.id).active


def test_revoking_a_token_asks_first(client, db, make_user, login):
    auditor = make_user("auditor")
    token, _raw = create_token(auditor, "Board export")
    db.session.commit()
    login(auditor)
    page = client.get("/records/tokens").get_data(as_text=True)
    assert f'action="/records/tokens/{token.id}/revoke"' not in page
    confirm = client.get(f"/records/tokens/{token.id}/revoke/confirm").get_data(as_text=True)
    assert "Revoke the API token “Board export”?" in confirm and "refused from now on" in confirm
    client.post(form_action(confirm))
    assert client.get(f"/records/tokens/{token.id}/revoke/confirm").status_code == 404  # already revoked
    other = make_user("auditor")
    theirs, _raw = create_token(other, "Theirs")
    db.session.commit()
    assert client.get(f"/records/tokens/{theirs.id}/revoke/confirm").status_code == 404
