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
