"""Logged-in actors: an auth helper, an organizer and an admin."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from workshops.models import UserRole

from .factories import PASSWORD


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.client.post(
            "/organisation/connexion", data={"email": email, "password": password}, **kwargs
        )

    def logout(self):  # type: ignore[no-untyped-def]
        return self.client.post("/organisation/deconnexion")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def organizer(create_user, auth):  # type: ignore[no-untyped-def]
    """A logged-in organizer."""
    user = create_user(email="orga@example.org", name="Olivia Organise")
    auth.login(user.email)
    return user


@pytest.fixture
def admin(create_user, auth):  # type: ignore[no-untyped-def]
    """A logged-in admin."""
    user = create_user(email="admin@example.org", name="Ada Admin", role=UserRole.ADMIN)
    auth.login(user.email)
    return user
