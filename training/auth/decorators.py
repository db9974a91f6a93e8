"""Authorization in one place: every view declares who may open it.

``role_required`` sends anonymous visitors to the login page and answers 403 to a logged-in
user without one of the roles. ``public`` marks a view as deliberately open. The route table
test refuses any view that carries neither mark, so a new route cannot forget its check.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from training.auth.roles import Role, known_roles
from training.extensions import login_manager

ANY_ROLE = tuple(Role)


def role_required(*roles: str):
    """Allow the view only to logged-in users holding at least one of ``roles``.

    An unknown role name raises ``UnknownRoleError`` here, when the view is decorated, so a
    typo fails at import instead of silently locking everyone out.
    """
    roles = tuple(known_roles(roles))

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def login_required_any(view):
    """Any logged-in user, whatever their roles (account pages)."""
    return role_required(*ANY_ROLE)(view)


def public(view):
    """Mark a view as open to everyone, logged in or not."""
    view.allowed_roles = None
    view.is_public = True
    return view
