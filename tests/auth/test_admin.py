"""Admins manage accounts in the web page and from the command line."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD
from training.audit.models import AuditEntry
from training.auth.models import User


def actions(db) -> list[str]:
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()


def test_admin_creates_instructor(client, make_user, login, db):
    login(make_user("admin"))
    response = client.post("/admin/users/new", data={
        "email": "New.Instructor@example.org", "name": "Nia Instructor",
        "roles": ["instructor"], "password": "Gravel-Meadow-Sparrow-31",
    })
    assert response.status_code == 302
    created = db.session.scalar(select(User).where(User.email == "new.instructor@example.org"))
    assert created.roles == {"instructor"}
    assert "user.created" in actions(db)


def test_admin_create_user_errors_next_to_fields(client, make_user, login, db):
    login(make_user("admin"))
    taken = make_user(email="taken@example.org")
    response = client.post("/admin/users/new", data={
        "email": taken.email, "name": "X", "roles": ["trainee"], "password": "Gravel-Meadow-Sparrow-31",
    })
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    response = client.post("/admin/users/new", data={
        "email": "ok@example.org", "name": "X", "roles": ["wizard"], "password": "Gravel-Meadow-Sparrow-31",
    })
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "ok@example.org")) is None


def test_role_change_and_deactivation_end_sessions_and_are_audited(app, client, make_user, login, db):
    admin = make_user("admin")
    target = make_user("trainee")
    target_client = app.test_client()
    login(target, on=target_client)
    assert target_client.get("/account").status_code == 200
    login(admin)
    assert client.post(f"/admin/users/{target.id}/roles", data={"roles": ["trainee", "instructor"]}).status_code == 302
    db.session.refresh(target)
    assert target.roles == {"trainee", "instructor"}
    assert target_client.get("/account").status_code == 302
    login(target, on=target_client)
    assert client.post(f"/admin/users/{target.id}/active", data={"active": ""}).status_code == 302
    db.session.refresh(target)
    assert target.active is False
    assert target_client.get("/account").status_code == 302
    assert target_client.post("/login", data={"email": target.email, "password": PASSWORD}).status_code == 401
    assert {"user.roles_changed", "user.deactivated"} <= set(actions(db))


def test_admin_cannot_remove_own_admin_role_or_deactivate_self(client, make_user, login, db):
    admin = make_user("admin")
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/roles", data={"roles": ["trainee"]})
    assert response.status_code == 400
    client.post(f"/admin/users/{admin.id}/active", data={"active": ""})
    db.session.refresh(admin)
    assert admin.active and "admin" in admin.roles


def test_cli_creates_user_and_rejects_bad_input(app, db):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["users", "create", "--email", "Cli@Example.org", "--name", "Cli User",
                             "--role", "auditor", "--password", "Harbor-Violet-Engine-82"])
    assert ok.exit_code == 0, ok.output
    assert db.session.scalar(select(User).where(User.email == "cli@example.org")).roles == {"auditor"}
    bad_role = runner.invoke(args=["users", "create", "--email", "b@example.org", "--name", "B",
                                   "--role", "wizard", "--password", "Harbor-Violet-Engine-82"])
    assert bad_role.exit_code == 2
    assert "wizard" in bad_role.output
    duplicate = runner.invoke(args=["users", "create", "--email", "cli@example.org", "--name", "C",
                                    "--role", "trainee", "--password", "Harbor-Violet-Engine-82"])
    assert duplicate.exit_code == 2
    assert "already exists" in duplicate.output
    weak = runner.invoke(args=["users", "create", "--email", "w@example.org", "--name", "W",
                               "--role", "trainee", "--password", "password"])
    assert weak.exit_code == 2
    assert db.session.scalar(select(User).where(User.email == "w@example.org")) is None


def test_cli_prompts_for_password(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--email", "p@example.org", "--name", "P", "--role", "trainee"],
        input="Harbor-Violet-Engine-82\nHarbor-Violet-Engine-82\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "p@example.org")) is not None


def test_seed_demo_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0, first.output
    emails = db.session.scalars(select(User.email)).all()
    assert sorted(emails) == sorted(set(emails))
    for role in ("trainee", "instructor", "auditor", "admin"):
        assert f"{role}@example.org" in second.output


def test_user_list_pages_and_searches(client, make_user, login, db):
    login(make_user("admin", name="Aaron Admin"))
    for index in range(55):
        make_user("trainee", name=f"Zed Trainee {index:02d}")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first and "/admin/users?page=2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Zed Trainee 54" in second and "Zed Trainee 00" not in second
    found = client.get("/admin/users?q=trainee%2007").get_data(as_text=True)
    assert "Zed Trainee 07" in found and "Zed Trainee 08" not in found
