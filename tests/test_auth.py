from datetime import timedelta
from html import unescape

import pytest
from werkzeug.security import check_password_hash

from workshops.accounts.login import (
    LoginError,
    LoginThrottled,
    authenticate,
    is_safe_next,
    wait_message,
)
from workshops.dates import utcnow
from workshops.extensions import db
from workshops.models import ThrottleHit, User

from .factories import PASSWORD

LIMITS = {
    "max_failures_per_account_and_address": 3,
    "max_failures_per_account": 6,
    "max_failures_per_address": 10,
    "window": timedelta(seconds=600),
}


def test_login_then_dashboard(client, auth, create_user):
    user = create_user(email="orga@example.org")
    response = auth.login("  ORGA@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation/"
    assert client.get("/organisation/").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_message(client, auth, create_user):
    create_user(email="orga@example.org")
    wrong = auth.login("orga@example.org", "not the password")
    unknown = auth.login("nobody@example.org", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert client.get("/organisation/").status_code == 302


def test_empty_login_form_gets_field_messages(auth):
    response = auth.login("", "")
    assert response.status_code == 422
    assert "Saisissez votre adresse électronique." in response.text
    assert "Saisissez votre mot de passe." in response.text


def test_deactivated_accounts_cannot_log_in(auth, create_user):
    create_user(email="old@example.org", active=False)
    assert auth.login("old@example.org").status_code == 401


def test_passwords_are_stored_as_scrypt_hashes(create_user):
    user = create_user()
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert check_password_hash(user.password_hash, PASSWORD)


def test_repeated_failures_slow_login_down(make_app, create_user):
    app = make_app(LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS=3, LOGIN_THROTTLE_WINDOW_SECONDS=60)
    client = app.test_client()
    with app.app_context():
        from workshops.accounts.users import create_user as make_user

        make_user("orga@example.org", "O", "organizer", PASSWORD)
        db.session.commit()
    for _ in range(3):
        assert (
            client.post(
                "/organisation/connexion", data={"email": "orga@example.org", "password": "x"}
            ).status_code
            == 401
        )
    # Even the right password is refused while the account is slowed down.
    response = client.post(
        "/organisation/connexion", data={"email": "orga@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert wait_message(wait) in unescape(response.text)
    assert client.get("/organisation/").status_code == 302


def test_the_block_lifts_when_failures_leave_the_window(app, create_user):
    create_user(email="orga@example.org")
    start = utcnow()
    for seconds in (0, 10, 20):
        with pytest.raises(LoginError):
            authenticate("orga@example.org", "x", "10.0.0.1", now=at(start, seconds), **LIMITS)
        db.session.commit()
    # Blocked until the oldest failure (at 0 s) leaves the 600 s window.
    with pytest.raises(LoginThrottled) as throttled:
        authenticate("orga@example.org", PASSWORD, "10.0.0.1", now=at(start, 30), **LIMITS)
    assert throttled.value.wait == 570
    # Refused attempts do not count: waiting is enough, whatever was tried meanwhile.
    with pytest.raises(LoginThrottled):
        authenticate("orga@example.org", "x", "10.0.0.1", now=at(start, 300), **LIMITS)
    # Then one attempt is allowed (one failure has left the window) and fails...
    with pytest.raises(LoginError):
        authenticate("orga@example.org", "x", "10.0.0.1", now=at(start, 601), **LIMITS)
    # ...which blocks again until the next oldest one leaves.
    with pytest.raises(LoginThrottled) as throttled:
        authenticate("orga@example.org", PASSWORD, "10.0.0.1", now=at(start, 602), **LIMITS)
    assert throttled.value.wait == 8
    user = authenticate("orga@example.org", PASSWORD, "10.0.0.1", now=at(start, 630), **LIMITS)
    assert user.email == "orga@example.org"


def test_old_failures_do_not_count_any_more(client, create_user, monkeypatch):
    """Five failures a day ago, then one today: the account is not slowed down."""
    create_user(email="orga@example.org")
    yesterday = utcnow() - timedelta(days=1)
    monkeypatch.setattr("workshops.accounts.login.utcnow", lambda: yesterday)
    for _ in range(5):
        client.post("/organisation/connexion", data={"email": "orga@example.org", "password": "x"})
    monkeypatch.undo()
    wrong = client.post(
        "/organisation/connexion", data={"email": "orga@example.org", "password": "x"}
    )
    assert wrong.status_code == 401
    right = client.post(
        "/organisation/connexion", data={"email": "orga@example.org", "password": PASSWORD}
    )
    assert right.status_code == 302


def test_a_success_clears_the_account_count_not_the_address_count(app, create_user):
    create_user(email="orga@example.org")
    now = utcnow()
    for _ in range(2):
        with pytest.raises(LoginError):
            authenticate("orga@example.org", "x", "10.0.0.1", now=now, **LIMITS)
    authenticate("orga@example.org", PASSWORD, "10.0.0.1", now=now, **LIMITS)
    db.session.commit()
    keys = list(db.session.execute(db.select(ThrottleHit.key)).scalars())
    assert keys == ["login-ip:10.0.0.1", "login-ip:10.0.0.1"]
    # Two fresh failures are allowed again before the third blocks.
    for _ in range(3):
        with pytest.raises(LoginError):
            authenticate("orga@example.org", "x", "10.0.0.1", now=now, **LIMITS)
    with pytest.raises(LoginThrottled):
        authenticate("orga@example.org", PASSWORD, "10.0.0.1", now=now, **LIMITS)


def test_someone_guessing_from_one_address_cannot_lock_the_owner_out(app, create_user):
    create_user(email="orga@example.org")
    now = utcnow()
    for _ in range(3):
        with pytest.raises(LoginError):
            authenticate("orga@example.org", "x", "203.0.113.7", now=now, **LIMITS)
    with pytest.raises(LoginThrottled):
        authenticate("orga@example.org", PASSWORD, "203.0.113.7", now=now, **LIMITS)
    # The owner, from the office, still gets in; the guesser stays blocked.
    assert authenticate("orga@example.org", PASSWORD, "198.51.100.1", now=now, **LIMITS)
    db.session.commit()
    with pytest.raises(LoginThrottled):
        authenticate("orga@example.org", "y", "203.0.113.7", now=now, **LIMITS)


def test_guessing_one_account_from_many_addresses_hits_the_account_limit(app, create_user):
    create_user(email="orga@example.org")
    now = utcnow()
    for n in range(6):
        with pytest.raises(LoginError):
            authenticate("orga@example.org", "x", f"203.0.113.{n}", now=now, **LIMITS)
    with pytest.raises(LoginThrottled):
        authenticate("orga@example.org", PASSWORD, "203.0.113.99", now=now, **LIMITS)


def test_one_address_spraying_many_accounts_is_slowed_down(app, create_user):
    now = utcnow()
    for n in range(10):
        with pytest.raises(LoginError):
            authenticate(f"user{n}@example.org", "x", "10.0.0.9", now=now, **LIMITS)
    with pytest.raises(LoginThrottled):
        authenticate("other@example.org", "x", "10.0.0.9", now=now, **LIMITS)
    # Another address is not concerned.
    with pytest.raises(LoginError):
        authenticate("other@example.org", "x", "10.0.0.10", now=now, **LIMITS)


def at(start, seconds: int):  # type: ignore[no-untyped-def]
    return start + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.org/",
        "//evil.example.org/",
        "///evil.example.org/",
        "////evil.example.org/",
        "/////evil.example.org/",
        "/\\evil.example.org",
        "\\\\evil.example.org",
        "organisation/comptes",  # relative: resolved against wherever the form was
        "/organisation\\..\\..\\evil",
        "javascript:alert(1)",
        "http:/evil.example.org",
        "/organisation/\r\nSet-Cookie: x=1",
        "/organisation/\nx",
        "/organisation/\tx",
        "/organisation/\x00",
        "/organisation/\x7f",
        "/organisation/\x9f",
        "",
        None,
    ],
)
def test_next_must_be_a_local_path(target):
    assert not is_safe_next(target)


def test_local_next_is_accepted():
    assert is_safe_next("/organisation/sessions/nouvelle?x=1")
    # A space or a no-break space is only text in a path, not a hidden character.
    assert is_safe_next("/ateliers?q=data science")
    assert is_safe_next("/ateliers?q=data\u00a0science")


def test_login_follows_a_local_next_only(client, auth, create_user):
    create_user(email="orga@example.org")
    response = client.post(
        "/organisation/connexion?next=/organisation/comptes",
        data={"email": "orga@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/organisation/comptes"
    auth.logout()
    for target in ("https://evil.example.org/", "////evil.example.org/"):
        response = client.post(
            "/organisation/connexion",
            query_string={"next": target},
            data={"email": "orga@example.org", "password": PASSWORD},
        )
        assert response.headers["Location"] == "/organisation/", target
        auth.logout()


def test_login_ignores_a_next_with_control_characters(client, create_user):
    create_user(email="orga@example.org")
    response = client.post(
        "/organisation/connexion?next=/organisation/%0D%0ASet-Cookie:%20x=1",
        data={"email": "orga@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation/"


def test_logout_is_a_post(client, organizer):
    assert client.get("/organisation/deconnexion").status_code == 405
    assert client.post("/organisation/deconnexion").status_code == 302
    assert client.get("/organisation/").status_code == 302


def test_forms_without_csrf_token_are_refused(make_app, create_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post(
        "/organisation/connexion", data={"email": "a@example.org", "password": "x"}
    )
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.text


def test_forms_with_the_csrf_token_work(make_app):
    import re

    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/organisation/connexion").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/organisation/connexion",
        data={"email": "a@example.org", "password": "x", "csrf_token": token},
    )
    assert response.status_code == 401


def test_session_cookie_is_httponly_lax_and_secure_outside_debug(make_app):
    app = make_app(SESSION_COOKIE_SECURE=None)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    client = app.test_client()
    with app.app_context():
        from workshops.accounts.users import create_user

        create_user("orga@example.org", "O", "organizer", PASSWORD)
        db.session.commit()
    response = client.post(
        "/organisation/connexion",
        data={"email": "orga@example.org", "password": PASSWORD},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


def test_create_user_command_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-user", "--role", "admin", "--email", "Chef@Example.org", "--name", "Cheffe"],
        input="un mot de passe solide\nun mot de passe solide\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert (user.email, user.role, user.name) == ("chef@example.org", "admin", "Cheffe")
    assert check_password_hash(user.password_hash, "un mot de passe solide")


def test_create_user_command_has_no_password_option(runner):
    # A password on the command line would stay in the shell history: click itself refuses
    # the unknown option (exit code 2, usage error), before anything is prompted or stored.
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A", "--password", "x"],
        input="un mot de passe solide\nun mot de passe solide\n",
    )
    assert result.exit_code == 2
    assert "No such option '--password'" in result.output
    assert "Mot de passe" not in result.output
    assert db.session.execute(db.select(User)).first() is None


def test_create_user_command_refuses_weak_passwords_and_bad_emails(runner):
    short = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A"], input="court\ncourt\n"
    )
    assert short.exit_code == 1
    assert "au moins 12 caractères" in short.output
    spaces = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A"],
        input=" " * 14 + "\n",
    )
    assert spaces.exit_code == 1
    assert "Le mot de passe est trop simple" in spaces.output
    bad = runner.invoke(args=["create-user", "--email", "pas-une-adresse", "--name", "A"])
    assert bad.exit_code == 1
    assert "Saisissez une adresse électronique valide" in bad.output
    assert db.session.execute(db.select(User)).first() is None


def session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("workshops_session").value


def replay(app, cookie: str):  # type: ignore[no-untyped-def]
    """A fresh browser holding a copy of the session cookie."""
    thief = app.test_client()
    thief.set_cookie("workshops_session", cookie)
    return thief.get("/organisation/")


def logged_in(app, email: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    response = client.post("/organisation/connexion", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def accounts_app(make_app):  # type: ignore[no-untyped-def]
    """An app with no app context kept open, so that each client's request stands alone
    (an open context would share the logged-in user between clients)."""
    app = make_app()
    with app.app_context():
        from workshops.accounts.users import create_user as make_user

        make_user("orga@example.org", "Olivia", "organizer", PASSWORD)
        make_user("admin@example.org", "Ada", "admin", PASSWORD)
        db.session.commit()
    return app


def test_a_copied_session_cookie_dies_with_logout(accounts_app):
    client = logged_in(accounts_app, "orga@example.org")
    cookie = session_cookie(client)
    assert replay(accounts_app, cookie).status_code == 200  # the copy works while logged in
    assert client.post("/organisation/deconnexion").status_code == 302
    response = replay(accounts_app, cookie)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organisation/connexion")


@pytest.mark.parametrize(
    "change",
    [{"password": "un tout nouveau mot de passe"}, {"active": None}],
    ids=["password", "deactivation"],
)
def test_sessions_die_when_the_password_changes_or_the_account_is_deactivated(accounts_app, change):
    victim = logged_in(accounts_app, "orga@example.org")
    cookie = session_cookie(victim)
    assert replay(accounts_app, cookie).status_code == 200
    admin = logged_in(accounts_app, "admin@example.org")
    data = {"email": "orga@example.org", "name": "Olivia", "role": "organizer", "active": "y"}
    data.update(change)
    data = {key: value for key, value in data.items() if value is not None}
    assert admin.post("/organisation/comptes/1", data=data).status_code == 302
    assert victim.get("/organisation/").status_code == 302
    assert replay(accounts_app, cookie).status_code == 302
    assert admin.get("/organisation/").status_code == 200  # other accounts are untouched
    # Reactivated, the account does not get its old sessions back.
    data["active"] = "y"
    assert admin.post("/organisation/comptes/1", data=data).status_code == 302
    assert replay(accounts_app, cookie).status_code == 302


def test_a_name_change_keeps_the_session(accounts_app):
    victim = logged_in(accounts_app, "orga@example.org")
    admin = logged_in(accounts_app, "admin@example.org")
    data = {"email": "orga@example.org", "name": "Olivia B.", "role": "organizer", "active": "y"}
    assert admin.post("/organisation/comptes/1", data=data).status_code == 302
    assert victim.get("/organisation/").status_code == 200


def test_login_starts_a_fresh_session(accounts_app):
    client = accounts_app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/organisation/connexion", data={"email": "orga@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] != "1"  # "id:token", not a guessable id


@pytest.mark.parametrize(
    ("email", "forwarded_for"),
    [
        ("orga@example.org", "203.0.113." + "7" * 400),  # a forged, huge client address
        ("\u0130" * 320, "203.0.113.7"),  # lower-casing doubles its length
    ],
    ids=["huge-address", "huge-email"],
)
def test_failures_with_huge_keys_are_counted_and_throttled(make_app, email, forwarded_for):
    app = make_app(TRUSTED_PROXY_COUNT=1, LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS=3)
    with app.app_context():
        from workshops.accounts.users import create_user as make_user

        make_user("orga@example.org", "O", "organizer", PASSWORD)
        db.session.commit()
    client = app.test_client()

    def login(password: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/organisation/connexion",
            data={"email": email, "password": password},
            headers={"X-Forwarded-For": forwarded_for},
        )

    for _ in range(3):
        assert login("x").status_code == 401
    response = login(PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.text
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ThrottleHit.id))).scalar() == 9


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 seconde"),
        (2, "2 secondes"),
        (59, "59 secondes"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (120, "2 minutes"),
        (121, "3 minutes"),
        (900, "15 minutes"),
    ],
)
def test_the_wait_is_said_in_words_rounded_up_to_the_minute(seconds, words):
    assert wait_message(seconds) == f"Trop de tentatives de connexion. Réessayez dans {words}."


def test_session_tokens_carry_256_bits(create_user):
    tokens = {create_user().session_token for _ in range(3)}
    assert len(tokens) == 3
    assert all(len(token) == 43 for token in tokens)  # 32 bytes in URL-safe base64
