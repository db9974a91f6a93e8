"""The token check honours every role it is given, not only the first."""

from __future__ import annotations

import pytest

from training.auth.roles import Role
from training.records.tokens import TokenRefused, authenticate_bearer, create_token


@pytest.mark.parametrize("roles", [("admin", "auditor"), ("auditor", "admin"), ("auditor",)])
def test_an_auditor_token_passes_when_auditor_is_any_of_the_roles(db, make_user, roles):
    auditor = make_user("auditor")
    _, raw = create_token(auditor, "Board import")
    db.session.commit()
    auth = authenticate_bearer(f"Bearer {raw}", roles)
    assert auth.user.id == auditor.id


def test_a_token_whose_owner_holds_none_of_the_roles_is_refused(db, make_user):
    instructor = make_user("instructor")
    _, raw = create_token(instructor, "Script")
    db.session.commit()
    with pytest.raises(TokenRefused) as refused:
        authenticate_bearer(f"Bearer {raw}", (Role.ADMIN, Role.AUDITOR))
    assert refused.value.status == 403
    assert "admin or auditor" in refused.value.message
