"""Vocabularies are enums: the database refuses what the enum does not name, and a role typo
in an access check fails when the module is imported."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest
from sqlalchemy import CheckConstraint, insert
from sqlalchemy.exc import IntegrityError

from quizzes.models import Question, Quiz
from quizzes.options import GradingMethod, ReviewPolicy
from quizzes.spec import QuestionType
from training.auth.models import User, UserRole
from training.auth.roles import Profession, Role, UnknownRoleError
from training.certificates.models import CertificateAction, CertificateEvent
from training.jurisdictions.models import EvaluationOutcome, EvidencePack, JurisdictionRule
from training.jurisdictions.rules import RuleStatus
from training.notifications.models import OutboxMessage, OutboxStatus
from training.practical.models import Assessment, LogStatus, Outcome, Seat, SeatStatus, SupervisedSession

#: (model, column, enum, constraint name): every vocabulary stored in a column
VOCABULARIES = [
    (UserRole, "role", Role, "role_known"),
    (User, "profession", Profession, "profession_known"),
    (Question, "qtype", QuestionType, "qtype_known"),
    (Quiz, "grading_method", GradingMethod, "grading_method_known"),
    (Quiz, "review_policy", ReviewPolicy, "review_policy_known"),
    (Seat, "status", SeatStatus, "status_known"),
    (Assessment, "outcome", Outcome, "outcome_known"),
    (SupervisedSession, "status", LogStatus, "status_known"),
    (OutboxMessage, "status", OutboxStatus, "status_known"),
    (JurisdictionRule, "status", RuleStatus, "status_known"),
    (EvidencePack, "outcome", EvaluationOutcome, "outcome_known"),
    (CertificateEvent, "action", CertificateAction, "action_known"),
]


def constraint(model, name: str) -> str:
    found = [c for c in model.__table__.constraints
             if isinstance(c, CheckConstraint) and str(c.name).endswith(name)]
    assert len(found) == 1, f"{model.__tablename__} has one {name} constraint"
    return str(found[0].sqltext)


@pytest.mark.parametrize(("model", "column", "vocabulary", "name"), VOCABULARIES,
                         ids=[f"{m.__tablename__}.{c}" for m, c, _, _ in VOCABULARIES])
def test_check_constraint_lists_exactly_the_enum(model, column, vocabulary, name):
    text = constraint(model, name)
    allowed = text.split(" IN (", 1)[1].rstrip(")")
    assert text.startswith(column) or text.startswith(f"{column} IS NULL")
    assert [v.strip().strip("'") for v in allowed.split(",")] == [m.value for m in vocabulary]


def test_database_refuses_a_role_the_enum_does_not_name(db, make_user):
    user = make_user("trainee")
    with pytest.raises(IntegrityError):
        db.session.execute(insert(UserRole).values(user_id=user.id, role="superuser"))
    db.session.rollback()
    db.session.execute(insert(UserRole).values(user_id=user.id, role=Role.AUDITOR))
    db.session.commit()
    assert db.session.get(User, user.id).has_role("auditor")


def _import_source(tmp_path, name: str, source: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def test_role_required_with_a_typo_fails_at_import(tmp_path):
    with pytest.raises(UnknownRoleError, match="'auditer'"):
        _import_source(tmp_path, "typo_views", """
            from training.auth.decorators import role_required

            @role_required("admin", "auditer")
            def export():
                return "never reached"
        """)


def test_token_required_with_a_typo_fails_at_import(tmp_path):
    with pytest.raises(UnknownRoleError, match="'admn'"):
        _import_source(tmp_path, "typo_api", """
            from training.records.api_routes import token_required

            @token_required("admn")
            def records():
                return "never reached"
        """)


def test_correct_role_names_import_and_are_recorded(tmp_path):
    module = _import_source(tmp_path, "good_views", """
        from training.auth.decorators import role_required
        from training.records.api_routes import token_required

        @role_required("instructor", "admin")
        def author():
            return "ok"

        @token_required("admin", "auditor")
        def records():
            return "ok"
    """)
    assert module.author.allowed_roles == {Role.INSTRUCTOR, Role.ADMIN}
    assert module.records.allowed_roles == {Role.ADMIN, Role.AUDITOR}


def test_a_role_check_needs_a_role():
    from training.auth.decorators import role_required

    with pytest.raises(UnknownRoleError):
        role_required()
