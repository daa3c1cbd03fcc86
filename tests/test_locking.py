"""Rules that depend on concurrent writes hold under real concurrency, on both databases."""

import contextlib
import sqlite3
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from workshops.accounts import users as accounts
from workshops.dates import utcnow
from workshops.events import lifecycle as events
from workshops.extensions import db
from workshops.models import Event, EventKind, EventStatus, User, UserRole

from .factories import PASSWORD
from .test_organizer_events import form_data

#: How long the first transaction waits for the second one to reach the same point. With
#: serialized writes the second one never gets there while the first holds the lock, so
#: the wait ends by timeout; without them both get there and the race really happens.
RENDEZVOUS_SECONDS = 1.0

#: What the organizer reads when the other request won, written out as data.
REFUSED_CANCEL = "Seule une session publiée peut être annulée. Un brouillon peut être supprimé."
REFUSED_UNPUBLISH = "Seule une session publiée peut être dépubliée."
REFUSED_EDIT = "Une session annulée ne peut plus être modifiée. Dupliquez-la pour la reprogrammer."
REFUSED_DELETE = (
    "Seuls les brouillons jamais publiés peuvent être supprimés. "
    "Annulez la session pour prévenir les personnes qui l’ont vue."
)


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
    [("publier", "publish_event"), ("modifier", "update_event"), ("supprimer", "delete_event")],
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


@pytest.fixture
def racing_organizers(make_app, monkeypatch):  # type: ignore[no-untyped-def]
    """An app, two logged-in organizers' clients, and `race(first, second)` that sends two
    event state changes at the same moment and returns the message flashed to each.

    Each operation holds its state check open until the other has checked too (or cannot,
    because it waits for the lock), so that without serialized writes both really race."""
    app = make_app()
    with app.app_context():
        for email in ("a@example.org", "b@example.org"):
            accounts.create_user(email, email, UserRole.ORGANIZER, PASSWORD)
        db.session.commit()
    clients = [app.test_client(), app.test_client()]
    for client, email in zip(clients, ("a@example.org", "b@example.org"), strict=True):
        assert login(client, email).status_code == 302

    rendezvous: list[threading.Barrier] = []  # armed by race() only, not while setting up
    checked = events._require

    def check_then_meet(event, action):  # type: ignore[no-untyped-def]
        checked(event, action)
        with contextlib.suppress(threading.BrokenBarrierError):
            for barrier in rendezvous:
                barrier.wait(timeout=RENDEZVOUS_SECONDS)

    monkeypatch.setattr(events, "_require", check_then_meet)

    def race(*requests: tuple[str, dict[str, str]]) -> list[tuple[str, str]]:
        start = threading.Barrier(len(requests))
        rendezvous.append(threading.Barrier(len(requests)))
        outcomes: list[tuple[str, str]] = [("", "")] * len(requests)

        def send(n: int, url: str, data: dict[str, str]) -> None:
            client = clients[n]
            start.wait(timeout=10)
            response = client.post(url, data=data)
            if response.status_code != 302:
                outcomes[n] = ("status", str(response.status_code))
                return
            with client.session_transaction() as session:
                flashes = session.pop("_flashes", [])
            outcomes[n] = flashes[-1] if flashes else ("none", "")

        threads = [
            threading.Thread(target=send, args=(n, url, data))
            for n, (url, data) in enumerate(requests)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        rendezvous.clear()
        return outcomes

    return app, race


def published_event(app, title: str = "Atelier SQL", starts_in_days: int = 7) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A published event's id and SEQUENCE."""
    with app.app_context():
        author = db.session.execute(db.select(User)).scalars().first()
        event = events.create_event(event_data(title, starts_in_days), author)
        events.publish_event(event)
        db.session.commit()
        return event.id, event.sequence


def event_data(title: str, starts_in_days: int) -> events.EventData:
    start = (utcnow() + timedelta(days=starts_in_days)).replace(second=0, microsecond=0)
    return events.EventData(
        kind=EventKind.WORKSHOP,
        title=title,
        summary="Résumé",
        description="",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Paris",
    )


def test_unpublish_and_cancel_at_once_one_wins_and_the_event_stays_consistent(
    racing_organizers,
):
    app, race = racing_organizers
    event_id, sequence = published_event(app)
    unpublished, cancelled = race(
        (f"/organisation/sessions/{event_id}/depublier", {}),
        (f"/organisation/sessions/{event_id}/annuler", {"reason": "Intervenant malade."}),
    )
    with app.app_context():
        event = db.session.get(Event, event_id)
        state = (event.status, event.cancellation_reason, event.sequence)
    assert sorted([unpublished[0], cancelled[0]]) == ["error", "success"], (unpublished, cancelled)
    if unpublished[0] == "success":
        assert cancelled[1] == REFUSED_CANCEL
        assert state == (EventStatus.DRAFT, None, sequence + 1)
    else:
        assert unpublished[1] == REFUSED_UNPUBLISH
        assert state == (EventStatus.CANCELLED, "Intervenant malade.", sequence + 1)


def test_editing_and_cancelling_at_once_never_edits_a_cancelled_event(racing_organizers):
    app, race = racing_organizers
    event_id, sequence = published_event(app)
    edited, cancelled = race(
        (
            f"/organisation/sessions/{event_id}/modifier",
            form_data(title="Nouveau titre", starts_at="2031-12-04T14:00"),
        ),
        (f"/organisation/sessions/{event_id}/annuler", {"reason": "Intervenant malade."}),
    )
    with app.app_context():
        event = db.session.get(Event, event_id)
        state = (event.status, event.title, event.sequence)
    # Either order is fine: an edit then a cancellation both succeed; a cancellation first
    # freezes the event, so the edit is refused. Never a cancelled event edited afterwards.
    assert cancelled[0] == "success", (edited, cancelled)
    if edited[0] == "success":
        # Both bumped the calendar SEQUENCE, one after the other.
        assert state == (EventStatus.CANCELLED, "Nouveau titre", sequence + 2)
    else:
        assert edited == ("error", REFUSED_EDIT)
        assert state == (EventStatus.CANCELLED, "Atelier SQL", sequence + 1)


def test_two_identical_copies_published_at_once_only_one_goes_out(racing_organizers):
    app, race = racing_organizers
    with app.app_context():
        author = db.session.execute(db.select(User)).scalars().first()
        data = event_data("Atelier SQL", 7)
        copies = [events.create_event(data, author).id for _ in range(2)]
        db.session.commit()
    outcomes = race(*((f"/organisation/sessions/{copy}/publier", {}) for copy in copies))
    assert sorted(kind for kind, _ in outcomes) == ["error", "success"], outcomes
    refusal = next(message for kind, message in outcomes if kind == "error")
    assert refusal.startswith("Une session publiée porte déjà ce titre à la même date")
    with app.app_context():
        statuses = db.session.execute(db.select(Event.status).where(Event.id.in_(copies))).scalars()
        assert sorted(statuses) == [EventStatus.DRAFT, EventStatus.PUBLISHED]


def test_publishing_and_deleting_a_draft_at_once_never_publishes_a_deleted_draft(
    racing_organizers,
):
    app, race = racing_organizers
    with app.app_context():
        author = db.session.execute(db.select(User)).scalars().first()
        draft_id = events.create_event(event_data("Atelier SQL", 7), author).id
        db.session.commit()
    published, deleted = race(
        (f"/organisation/sessions/{draft_id}/publier", {}),
        (f"/organisation/sessions/{draft_id}/supprimer", {}),
    )
    with app.app_context():
        event = db.session.get(Event, draft_id)
        status = event.status if event else None
    if published[0] == "success":
        assert deleted == ("error", REFUSED_DELETE)
        assert status == EventStatus.PUBLISHED
    else:
        # The draft was gone when the publisher got the lock: a conflict page, no 500.
        assert (published, deleted[0]) == (("status", "409"), "success")
        assert status is None
