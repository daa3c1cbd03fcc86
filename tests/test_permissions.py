"""Who may do what: `is_staff` (who sees drafts) and `role_required` (who reaches a view).

The decorators are applied here, inside the tests, so that the rule under test is the one
running now, not the one captured when the views were imported."""

from __future__ import annotations

import pytest
from flask import Response
from flask_login import AnonymousUserMixin

from workshops.extensions import db
from workshops.models import UserRole
from workshops.permissions import is_staff, role_required

from .actors import AuthActions


def test_only_active_logged_in_staff_count_as_staff(app, create_user):
    assert is_staff(None) is False
    assert is_staff(AnonymousUserMixin()) is False
    assert is_staff(create_user(active=False)) is False
    assert is_staff(create_user(active=False, role=UserRole.ADMIN)) is False
    assert is_staff(create_user()) is True
    assert is_staff(create_user(role=UserRole.ADMIN)) is True


@pytest.fixture
def guarded(make_app):  # type: ignore[no-untyped-def]
    app = make_app()

    @app.get("/reserve-au-personnel")
    @role_required()
    def staff_only() -> Response:
        return Response("personnel", mimetype="text/plain")

    @app.get("/reserve-aux-admins")
    @role_required(UserRole.ADMIN)
    def admins_only() -> Response:
        return Response("admins", mimetype="text/plain")

    with app.app_context():
        yield app
        db.session.remove()


@pytest.mark.parametrize(
    ("role", "staff", "admins"),
    [(None, 302, 302), (UserRole.ORGANIZER, 200, 403), (UserRole.ADMIN, 200, 200)],
)
def test_role_required_lets_in_exactly_the_roles_it_names(guarded, role, staff, admins):
    client = guarded.test_client()
    if role is not None:
        from workshops.accounts.users import create_user

        user = create_user(f"{role}@example.org", "Personne", role, "un mot de passe long")
        db.session.commit()
        assert AuthActions(client).login(user.email, "un mot de passe long").status_code == 302
    assert client.get("/reserve-au-personnel").status_code == staff
    assert client.get("/reserve-aux-admins").status_code == admins
    if role is None:
        location = client.get("/reserve-aux-admins").headers["Location"]
        assert location.startswith("/organisation/connexion?next=")
