"""Organizer and admin accounts."""

from __future__ import annotations

from sqlalchemy import func

from ..extensions import db
from ..models import USER_ROLES, User
from .auth import MIN_PASSWORD_LENGTH, hash_password, normalize_email


class AccountError(Exception):
    """An account change that is not allowed; the message is for the admin, next to `field`."""

    def __init__(self, message: str, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


def create_user(email: str, name: str, role: str, password: str) -> User:
    email = normalize_email(email)
    if role not in USER_ROLES:
        raise AccountError("Rôle inconnu.", field="role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères.",
            field="password",
        )
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
    """Change an account; never leaves the service without an active admin."""
    email = normalize_email(email)
    if role not in USER_ROLES:
        raise AccountError("Rôle inconnu.", field="role")
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise AccountError("Un compte existe déjà avec cette adresse électronique.")
    loses_admin = user.is_admin and user.active and (role != "admin" or not active)
    if loses_admin and active_admin_count() <= 1:
        raise AccountError(
            "Ce compte est le dernier compte administrateur actif : "
            "nommez d'abord un autre administrateur.",
            field="role",
        )
    user.email, user.name, user.role, user.active = email, name.strip(), role, active
    if password:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(
                f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères.",
                field="password",
            )
        user.password_hash = hash_password(password)
    db.session.flush()


def find_user(email: str) -> User | None:
    return db.session.execute(
        db.select(User).filter_by(email=normalize_email(email))
    ).scalar_one_or_none()


def active_admin_count() -> int:
    return db.session.execute(
        db.select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))
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
