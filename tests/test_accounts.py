import re

import pytest

from workshops.accounts import users as accounts
from workshops.addresses import InvalidEmail, normalize_email
from workshops.extensions import db
from workshops.models import User


def test_admin_creates_an_organizer_who_can_log_in(client, admin, auth):
    response = client.post(
        "/organisation/comptes/nouveau",
        data={
            "email": "New@Example.org",
            "name": "Nina",
            "role": "organizer",
            "password": "un mot de passe long",
        },
    )
    assert response.status_code == 302
    auth.logout()
    assert auth.login("new@example.org", "un mot de passe long").status_code == 302


def test_account_form_errors(client, admin, create_user):
    create_user(email="taken@example.org")
    cases = [
        ({"email": "taken@example.org"}, "Un compte existe déjà avec cette adresse électronique."),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"password": "court"}, "au moins 12 caractères"),
        ({"password": ""}, "Choisissez un mot de passe."),
        ({"role": "superadmin"}, "Choisissez une valeur proposée dans la liste."),
    ]
    for overrides, message in cases:
        data = {
            "email": "x@example.org",
            "name": "X",
            "role": "organizer",
            "password": "un mot de passe long",
            **overrides,
        }
        response = client.post("/organisation/comptes/nouveau", data=data)
        assert response.status_code == 422, overrides
        assert message in response.text, overrides
    assert db.session.execute(db.select(User).filter_by(email="x@example.org")).first() is None


def test_the_last_active_admin_cannot_demote_or_deactivate_themself(client, admin):
    response = client.post(
        f"/organisation/comptes/{admin.id}",
        data={"email": admin.email, "name": admin.name, "role": "organizer", "active": "y"},
    )
    assert response.status_code == 422
    assert "dernier compte administrateur actif" in response.text
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_admin_deactivates_an_account(client, admin, create_user, auth):
    user = create_user(email="leaving@example.org", name="Léo")
    response = client.post(
        f"/organisation/comptes/{user.id}",
        data={"email": user.email, "name": user.name, "role": "organizer"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.active is False
    auth.logout()
    assert auth.login("leaving@example.org").status_code == 401


def test_organizers_cannot_manage_accounts(client, organizer):
    assert client.get("/organisation/comptes").status_code == 403
    assert client.post("/organisation/comptes/nouveau", data={}).status_code == 403


def test_one_normalize_email_rule_for_forms_cli_and_domain():
    from workshops.addresses import InvalidEmail, email_key, normalize_email

    assert normalize_email("  Ana.Lopez@Example.ORG ") == "ana.lopez@example.org"
    for bad in ("", "ana", "ana@", "@example.org", "ana@example", "a b@example.org"):
        with pytest.raises(InvalidEmail, match="Saisissez une adresse électronique valide"):
            normalize_email(bad)
    # Looking up what someone typed at login never raises, and finds the same key.
    assert email_key(" ANA.lopez@example.org") == "ana.lopez@example.org"
    assert email_key(" Pas Une Adresse ") == "pas une adresse"


def test_domain_refuses_weak_passwords_whatever_the_caller(app):
    for weak, message in [
        ("court", "au moins 12 caractères"),
        (" " * 20, "trop simple"),
        ("aaaaaaaaaaaaaaaa", "trop simple"),
        ("abab abab abab", "trop simple"),
    ]:
        with pytest.raises(accounts.AccountError, match=message) as refused:
            accounts.create_user("x@example.org", "X", "organizer", weak)
        assert refused.value.field == "password"
    assert accounts.create_user("x@example.org", "X", "organizer", "abcde abcde ab")


def test_admin_form_shows_the_domain_password_message(client, admin):
    response = client.post(
        "/organisation/comptes/nouveau",
        data={"email": "x@example.org", "name": "X", "role": "organizer", "password": " " * 16},
    )
    assert response.status_code == 422
    assert "Le mot de passe est trop simple" in response.text
    assert db.session.execute(db.select(User).filter_by(email="x@example.org")).first() is None


def test_a_new_account_defaults_to_organizer(client, admin):
    html = client.get("/organisation/comptes/nouveau").text
    assert '<option selected value="organizer">' in html
    assert '<option selected value="admin">' not in html


def test_the_last_admin_refusal_sits_next_to_what_was_changed(client, admin):
    response = client.post(
        f"/organisation/comptes/{admin.id}",
        data={"email": admin.email, "name": admin.name, "role": "admin"},  # box unticked
    )
    assert response.status_code == 422
    html = response.text
    assert 'href="#active"' in html  # the error summary leads to the "active" box
    active = html[html.index('id="active-messages"') :][:400]
    assert "dernier compte administrateur actif" in active
    assert "nommez d’abord un autre administrateur" in active


def test_an_empty_new_account_form_lists_every_error_in_page_order(client, admin):
    response = client.post("/organisation/comptes/nouveau", data={"role": "organizer"})
    assert response.status_code == 422
    summary = response.text[response.text.index('id="erreurs"') :]
    summary = summary[: summary.index("</ul>")]
    links = re.findall(r'href="#([a-z_-]+)"', summary)
    assert links == ["name", "email", "password"]
    assert "Choisissez un mot de passe." in summary


def edit(client, user, **overrides):
    data = {"email": user.email, "name": user.name, "role": user.role, "active": "y"}
    data.update(overrides)
    return client.post(f"/organisation/comptes/{user.id}", data=data)


def test_the_last_active_admin_cannot_be_deactivated(client, admin):
    response = edit(client, admin, active="")
    assert response.status_code == 422
    assert "dernier compte administrateur actif" in response.text
    db.session.refresh(admin)
    assert (admin.active, admin.role) == (True, "admin")


def test_one_of_two_admins_can_be_demoted_then_the_other_cannot(client, admin, create_user):
    other = create_user(email="second@example.org", role="admin")
    assert edit(client, other, role="organizer").status_code == 302
    db.session.refresh(other)
    assert other.role == "organizer"
    assert edit(client, admin, role="organizer").status_code == 422
    # An inactive admin does not count: it cannot keep the service running.
    other.role, other.active = "admin", False
    db.session.commit()
    assert accounts.active_admin_count() == 1
    assert edit(client, admin, active="").status_code == 422
    # Deactivating an admin who is not the last one is allowed.
    other.active = True
    db.session.commit()
    assert edit(client, other, active="").status_code == 302


def test_an_email_taken_by_another_account_is_refused_on_edit(client, admin, create_user):
    create_user(email="taken@example.org")
    user = create_user(email="mine@example.org")
    response = edit(client, user, email="Taken@Example.org")
    assert response.status_code == 422
    assert "Un compte existe déjà avec cette adresse électronique." in response.text
    db.session.refresh(user)
    assert user.email == "mine@example.org"
    # Its own address, typed differently, is not "taken".
    assert edit(client, user, email="MINE@example.org", name="Nouveau nom").status_code == 302
    db.session.refresh(user)
    assert (user.email, user.name) == ("mine@example.org", "Nouveau nom")


def test_an_admin_sets_a_new_password_that_replaces_the_old_one(client, admin, create_user, auth):
    user = create_user(email="forgot@example.org")
    token = user.session_token
    weak = edit(client, user, password="court")
    assert weak.status_code == 422
    assert "au moins 12 caractères" in weak.text
    assert edit(client, user, password="une nouvelle phrase").status_code == 302
    db.session.refresh(user)
    assert user.session_token != token
    auth.logout()
    assert auth.login("forgot@example.org").status_code == 401
    assert auth.login("forgot@example.org", "une nouvelle phrase").status_code == 302
    # Leaving the field empty keeps the password.
    auth.logout()
    auth.login(admin.email)
    assert edit(client, user, name="Autre").status_code == 302
    auth.logout()
    assert auth.login("forgot@example.org", "une nouvelle phrase").status_code == 302


def test_a_weak_password_is_reported_with_the_other_errors(client, admin):
    """The form checks the password itself, so that an admin sees every problem at once
    instead of the password refusal only after fixing the rest."""
    data = {"email": "x@example.org", "name": "", "role": "organizer", "password": "court"}
    response = client.post("/organisation/comptes/nouveau", data=data)
    assert response.status_code == 422
    assert "Saisissez le nom." in response.text
    assert "au moins 12 caractères" in response.text


def test_accounts_are_listed_by_name(client, admin, create_user):
    create_user(name="Zoé Zèbre")
    create_user(name="Bruno Biche")
    assert [user.name for user in accounts.list_users()] == [
        "Ada Admin",
        "Bruno Biche",
        "Zoé Zèbre",
    ]
    html = client.get("/organisation/comptes").text
    assert html.index("Ada Admin") < html.index("Bruno Biche") < html.index("Zoé Zèbre")


LAST_ADMIN = (
    "Ce compte est le dernier compte administrateur actif : nommez d’abord un autre administrateur."
)


def test_the_domain_says_why_an_account_change_is_refused(app, create_user):
    """The same refusals for the CLI as for the form, each next to its field."""
    admin = create_user(email="admin@example.org", role="admin")
    create_user(email="taken@example.org")
    cases = [
        (dict(role="organizer"), "role", LAST_ADMIN),
        (dict(active=False), "active", LAST_ADMIN),
        (dict(email="taken@example.org"), "email", DUPLICATE),
        (dict(role="superadmin"), "role", "Rôle inconnu."),
    ]
    for change, field, message in cases:
        values = dict(email=admin.email, name="Ada", role="admin", active=True, password=None)
        with pytest.raises(accounts.AccountError) as refused:
            accounts.update_user(admin, **{**values, **change})
        assert (refused.value.field, str(refused.value)) == (field, message), change
        db.session.rollback()
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user("Taken@example.org", "X", "organizer", "un mot de passe long")
    assert (refused.value.field, str(refused.value)) == ("email", DUPLICATE)
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user("pas-une-adresse", "X", "organizer", "un mot de passe long")
    with pytest.raises(InvalidEmail) as invalid:
        normalize_email("pas-une-adresse")
    assert (refused.value.field, str(refused.value)) == ("email", str(invalid.value))


DUPLICATE = "Un compte existe déjà avec cette adresse électronique."
