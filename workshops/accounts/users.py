"""Admins manage organizer and admin accounts; the service always keeps an active admin."""

from __future__ import annotations

from sqlalchemy import func

from ..addresses import InvalidEmail, normalize_email
from ..extensions import db
from ..locking import serialize_writes
from ..models import User, UserRole
from .passwords import hash_password, password_problem

#: The serialize_writes scope of account changes that must keep an active admin.
ACCOUNTS_LOCK = "accounts"


class AccountError(Exception):
    """An account change that is not allowed; the message is for the admin, next to `field`."""

    def __init__(self, message: str, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


def _clean_email(email: str) -> str:
    try:
        return normalize_email(email)
    except InvalidEmail as error:
        raise AccountError(str(error)) from None


def _check_role(role: str) -> UserRole:
    try:
        return UserRole(role)
    except ValueError:
        raise AccountError("Rôle inconnu.", field="role") from None


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, field="password")


def create_user(email: str, name: str, role: str, password: str) -> User:
    email = _clean_email(email)
    role = _check_role(role)
    _check_password(password)
    if find_user(email) is not None:
        raise AccountError("Un compte existe déjà avec cette adresse électronique.")
    user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: str,
    active: bool,
    password: str | None,
) -> None:
    """Change an account; never leaves the service without an active admin.

    Two admins demoting each other at the same moment would both count two admins, then
    both write: the count and the write are serialized with every other account change.
    """
    serialize_writes(ACCOUNTS_LOCK)
    email = _clean_email(email)
    role = _check_role(role)
    if password:
        _check_password(password)
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise AccountError("Un compte existe déjà avec cette adresse électronique.")
    loses_admin = user.is_admin and user.active and (role != UserRole.ADMIN or not active)
    if loses_admin and active_admin_count() <= 1:
        raise AccountError(
            "Ce compte est le dernier compte administrateur actif : "
            "nommez d’abord un autre administrateur.",
            # Next to what the admin changed: the role, or else the "active" box.
            field="role" if role != UserRole.ADMIN else "active",
        )
    deactivated = user.active and not active
    user.email, user.name, user.role, user.active = email, name.strip(), role, active
    if password:
        user.password_hash = hash_password(password)
    if password or deactivated:
        # Whoever holds a session (or a copy of its cookie) must log in again.
        user.rotate_session_token()
    db.session.flush()


def find_user(email: str) -> User | None:
    """The account with this (already normalized) address."""
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


def active_admin_count() -> int:
    return db.session.execute(
        db.select(func.count()).where(User.role == UserRole.ADMIN, User.active.is_(True))
    ).scalar_one()


def list_users() -> list[User]:
    return list(db.session.execute(db.select(User).order_by(User.name)).scalars())


def selectable_organizers(current: list[User]) -> list[User]:
    """Active accounts, plus the event's current organizers even if deactivated since, so
    that saving the event does not silently drop them."""
    active = list(
        db.session.execute(
            db.select(User).where(User.active.is_(True)).order_by(User.name)
        ).scalars()
    )
    return active + [user for user in current if not user.active]
