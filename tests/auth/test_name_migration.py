"""Existing accounts keep their name; given and family names are a suggestion left to confirm."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from config import TestingConfig
from training import create_app
from training.extensions import db


def test_existing_names_are_split_as_a_suggestion_and_accounts_stay_usable(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite'}")
    with app.app_context():
        upgrade(revision="0003")
        for i, name in enumerate(["Siobhán O'Brien", "Maria de la Cruz", "Madonna"], start=1):
            db.session.execute(text(
                "INSERT INTO users (id, email, name, password_hash, active, session_version, created_at) "
                "VALUES (:id, :email, :name, 'x', 1, 1, '2025-05-01 10:00:00')"),
                {"id": i, "email": f"u{i}@example.org", "name": name})
        db.session.commit()
        upgrade(revision="0005")
        rows = db.session.execute(text(
            "SELECT name, given_names, family_name, names_confirmed_at, time_zone, email_verified_at "
            "FROM users ORDER BY id")).all()
        db.engine.dispose()
    assert [tuple(r[:3]) for r in rows] == [
        ("Siobhán O'Brien", "Siobhán", "O'Brien"),
        ("Maria de la Cruz", "Maria de la", "Cruz"),  # a suggestion: the person corrects it
        ("Madonna", "Madonna", ""),
    ]
    assert all(r[3] is None and r[4] == "UTC" and r[5] is not None for r in rows)
