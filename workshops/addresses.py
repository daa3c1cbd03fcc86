"""Email addresses: the one rule that says when two spellings are the same person.

Organizers log in by email today; participants will be known by email tomorrow. Forms, the
CLI and domain functions all call `normalize_email`, so "Ana@Example.org " typed in one
place finds the account created as "ana@example.org" in another.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

INVALID_EMAIL_MESSAGE = "Saisissez une adresse électronique valide, par exemple nom@domaine.fr."


class InvalidEmail(ValueError):
    """Not an email address; the message is for the person who typed it."""

    def __init__(self) -> None:
        super().__init__(INVALID_EMAIL_MESSAGE)


def normalize_email(raw: str) -> str:
    """Check the syntax (no network look-up) and return the canonical, lowercase form.

    The whole address is lowercased: in practice no mail provider of our users
    distinguishes "Ana" from "ana", and people do not remember which they typed.
    """
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail() from None
    return checked.normalized.lower()


def email_key(raw: str) -> str:
    """The canonical form when valid, else the trimmed lowercase text: for looking up an
    address someone typed (a login) without telling them whether it is well formed."""
    try:
        return normalize_email(raw)
    except InvalidEmail:
        return raw.strip().lower()
