"""Who may do what: one place for roles, read by views (decorators) and domain rules."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import AnonymousUserMixin, current_user, login_required

from .models import User, UserRole

F = TypeVar("F", bound=Callable[..., Any])

#: Every back-office role; a view decorated with `role_required()` accepts them all.
STAFF_ROLES = frozenset(UserRole)


def is_staff(user: User | AnonymousUserMixin | None) -> bool:
    """An active organizer or admin (who may see drafts). A `User` is always authenticated
    (the anonymous visitor is another class); a deactivated one is not staff any more."""
    return isinstance(user, User) and user.is_active and user.role in STAFF_ROLES


def role_required(*roles: UserRole) -> Callable[[F], F]:
    """Anonymous visitors go to the login page; a logged-in account without the role gets 403."""
    allowed = frozenset(roles) or STAFF_ROLES

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
