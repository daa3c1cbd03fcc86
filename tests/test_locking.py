"""Rules that depend on concurrent writes hold under real concurrency, on both databases."""

import contextlib
import sqlite3
import threading
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from workshops.accounts import users as accounts
from workshops.events import lifecycle as events
from workshops.extensions import db
from workshops.models import Event, User, UserRole

from .factories import PASSWORD
from .test_organizer_events import form_data

#: How long the first transaction waits for the second one to reach the same point. With
#: serialized writes the second one never gets there while the first holds the lock, so
#: the wait ends by timeout; without them both get there and the race really happens.
RENDEZVOUS_SECONDS = 1.0


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, create_user, monkeypatch):
    first = create_user(email="a@example.org", role=UserRole.ADMIN)
    second = create_user(email="b@example.org", role=UserRole.ADMIN)
    rendezvous = threading.Barrier(2)
    counted = accounts.active_admin_count

    def count_then_meet() -> int:
        # Hold the "check" open until the other transaction has checked too (or cannot).
        count = counted()
        with contextlib.suppress(threading.BrokenBarrierError):
            rendezvous.wait(timeout=RENDEZVOUS_SECONDS)
        return count

    monkeypatch.setattr(accounts, "active_admin_count", count_then_meet)
    outcomes: dict[str, str] = {}
    start = threading.Barrier(2)

    def change(user_id: int, name: str, **changes) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            user = db.session.get(User, user_id)
            start.wait(timeout=10)
            try:
                accounts.update_user(
                    user,
                    email=user.email,
                    name=user.name,
                    password=None,
                    **{"role": user.role, "active": user.active, **changes},
                )
                db.session.commit()
                outcomes[name] = "changed"
            except accounts.AccountError:
                db.session.rollback()
                outcomes[name] = "refused"
            except Exception as error:
                db.session.rollback()
                outcomes[name] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=change, args=(first.id, "demote"), kwargs={"role": "organizer"}),
        threading.Thread(target=change, args=(second.id, "deactivate"), kwargs={"active": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["changed", "refused"], outcomes
    db.session.expire_all()
    assert accounts.active_admin_count() == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_write_lock_held_too_long_is_a_503_and_nothing_changes(make_app):
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=100)  # wait 0.1 s for the lock, not 5 s

    with app.app_context():
        accounts.create_user("a@example.org", "A", UserRole.ADMIN, PASSWORD)
        other_id = accounts.create_user("b@example.org", "B", UserRole.ADMIN, PASSWORD).id
        db.session.commit()
        db.engine.dispose()
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 100
        db.session.remove()
    client = app.test_client()
    assert login(client, "a@example.org").status_code == 302

    path = urlsplit(app.config["SQLALCHEMY_DATABASE_URI"]).path
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(
            f"/organisation/comptes/{other_id}",
            data={"email": "b@example.org", "name": "Nouveau nom", "role": "organizer"},
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "Service indisponible" in response.text
    with app.app_context():
        other = db.session.get(User, other_id)
        assert (other.name, other.role) == ("B", "admin")


def login(client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/organisation/connexion", data={"email": email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("action", "operation"),
    [("publier", "publish_event"), ("modifier", "update_event")],
)
def test_a_draft_deleted_meanwhile_is_a_409_and_nothing_is_written(
    client, organizer, create_event, monkeypatch, action, operation
):
    draft_id = create_event("Atelier SQL", status="draft").id
    original = getattr(events, operation)

    def deleted_just_before(event, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Another request deletes the draft after this one loaded it.
        with Session(db.engine) as other:
            other.delete(other.get(Event, draft_id))
            other.commit()
        return original(event, *args, **kwargs)

    monkeypatch.setattr(events, operation, deleted_just_before)
    data = form_data(title="Nouveau titre") if action == "modifier" else {}
    response = client.post(f"/organisation/sessions/{draft_id}/{action}", data=data)
    assert response.status_code == 409
    assert "Modification concurrente" in response.text
    db.session.expire_all()
    assert db.session.execute(db.select(Event)).first() is None
