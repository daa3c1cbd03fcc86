"""Password rules and hashing, in one place: the form shows the domain's own message."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

PASSWORD_METHOD = "scrypt"  # noqa: S105 - a hash method, not a password
MIN_PASSWORD_LENGTH = 12
#: Different characters, spaces not counted: twelve spaces or "aaaaaaaaaaaa" are refused.
MIN_DISTINCT_CHARACTERS = 5
PASSWORD_HINT = (
    f"Au moins {MIN_PASSWORD_LENGTH} caractères, dont au moins "
    f"{MIN_DISTINCT_CHARACTERS} différents (hors espaces). Une phrase de passe convient."
)


def password_problem(password: str) -> str | None:
    """Why this password is refused, in French, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
    if len(set("".join(password.split()))) < MIN_DISTINCT_CHARACTERS:
        return (
            "Le mot de passe est trop simple : utilisez au moins "
            f"{MIN_DISTINCT_CHARACTERS} caractères différents, hors espaces."
        )
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
