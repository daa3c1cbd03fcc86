"""`flask send-reminders` (the day before, once per person) and personal data: the purge
after twelve months, an organizer's export and deletion of one person's data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from workshops.dates import PARIS, utcnow
from workshops.extensions import db
from workshops.models import (
    ManageLink,
    OutboxMessage,
    Participant,
    Registration,
    SignInLink,
)
from workshops.registrations import participants, personal_data, reminders, service
from workshops.registrations.service import SignUp


@pytest.fixture(autouse=True)
def request_context(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield


def register(event, n: int, **kwargs) -> Registration:  # type: ignore[no-untyped-def]
    result = service.sign_up(
        event,
        SignUp(name=f"Personne {n}", email=f"p{n}@example.org", organisation="DINUM"),
        **kwargs,
    )
    db.session.commit()
    return result.registration


def kinds(kind: str) -> list[str]:
    return list(
        db.session.execute(
            db.select(OutboxMessage.recipient)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


# --- Reminders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "horizon"),
    [
        # Winter (UTC+1): the end of tomorrow in Paris is 23:00 UTC.
        (datetime(2026, 12, 6, 8, 0, tzinfo=UTC), datetime(2026, 12, 7, 23, 0, tzinfo=UTC)),
        # 23:30 UTC is already the next day in Paris.
        (datetime(2026, 12, 6, 23, 30, tzinfo=UTC), datetime(2026, 12, 8, 23, 0, tzinfo=UTC)),
        # Summer (UTC+2).
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), datetime(2026, 7, 2, 22, 0, tzinfo=UTC)),
    ],
)
def test_the_horizon_is_the_end_of_tomorrow_in_paris(now, horizon):
    assert reminders.reminder_horizon(now) == horizon
    assert reminders.reminder_horizon(now).tzinfo == UTC


def test_reminders_go_once_to_seats_of_tomorrow(app, create_event, runner):
    now = utcnow()
    tomorrow_paris = (now.astimezone(PARIS) + timedelta(days=1)).replace(
        hour=23, minute=0, second=0, microsecond=0
    )
    soon = create_event("Demain", capacity=1, starts_at=tomorrow_paris.astimezone(UTC))
    later = create_event("Dans trois jours", days=3)
    earlier = now - timedelta(days=2)
    seat = register(soon, 1, now=earlier)
    register(soon, 2, now=earlier)  # waiting: no reminder
    register(later, 3, now=earlier)  # too far ahead
    fresh = register(create_event("Aussi demain", starts_at=soon.starts_at), 4)  # seat just given
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "Rappels mis en file d’envoi : 1 (les personnes qui ont leur place depuis moins de 12 "
        "heures n’en reçoivent pas : leur confirmation est récente).",
        # Delivered before the command ends (never left to a thread it would outlive).
        "Courriels envoyés : 5, en échec (nouvel essai plus tard) : 0.",
    ]
    assert kinds("reminder") == ["p1@example.org"]
    db.session.expire_all()
    assert seat.reminded_at is not None and fresh.reminded_at is None
    mail = db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.kind == "reminder")
    ).scalar_one()
    assert mail.subject.startswith("Rappel : Demain, ")
    assert mail.attachment_name == f"{soon.slug}.ics"
    assert "Gérer mon inscription : http://127.0.0.1:5000/inscriptions/" in mail.text_body
    again = runner.invoke(args=["send-reminders"])
    assert "Rappels mis en file d’envoi : 0 (les personnes" in again.output
    assert kinds("reminder") == ["p1@example.org"]


def test_no_reminder_for_a_cancelled_or_started_session(app, create_event):
    now = utcnow()
    earlier = now - timedelta(days=2)
    started = create_event("Commencée", days=1)
    cancelled = create_event("Annulée", days=1)
    register(started, 1, now=earlier)
    register(cancelled, 2, now=earlier)
    from workshops.events import lifecycle

    lifecycle.cancel_event(cancelled, "Salle indisponible.")
    db.session.commit()
    assert reminders.send_reminders(started.starts_at + timedelta(minutes=1)) == 0
    assert reminders.send_reminders(started.starts_at - timedelta(minutes=1)) == 1
    assert kinds("reminder") == ["p1@example.org"]


# --- Purge -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 12, 6, 10, tzinfo=UTC), 12, datetime(2025, 12, 6, 10, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 3, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_months_before(moment, months, expected):
    assert personal_data.months_before(moment, months) == expected


@pytest.mark.parametrize("text", ["", "12", "m", "0m", "12y", "-3m", "12 mois", "99999m"])
def test_a_wrong_age_is_refused_in_french(runner, text):
    result = runner.invoke(args=["purge-personal-data", "--older-than", text])
    assert result.exit_code == 2
    assert f"Durée non comprise : « {text} »." in result.output


def test_the_purge_anonymizes_old_sessions_and_keeps_the_counts(app, create_event, runner):
    old = create_event("Ancienne", capacity=1)
    recent = create_event("Récente", capacity=5)
    for n in (1, 2):
        register(old, n)
    kept = register(recent, 1)
    db.session.add(participants.participant_for("p2@example.org"))
    participants.request_sign_in(
        "p1@example.org", minutes=60, max_per_email=5, window=timedelta(hours=1)
    )
    db.session.commit()
    # The old session ended thirteen months ago, its mails with it.
    old.starts_at = utcnow() - timedelta(days=400)
    old.ends_at = old.starts_at + timedelta(hours=2)
    for message in db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.event_id == old.id)
    ).scalars():
        message.created_at = old.starts_at
    db.session.execute(db.update(SignInLink).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    result = runner.invoke(args=["purge-personal-data", "--older-than", "12m"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Inscriptions anonymisées : 2. Courriels supprimés : 2. Liens de connexion "
        "supprimés : 1. Personnes sans inscription supprimées : 1.\n"
    )
    db.session.expire_all()
    rows = (
        db.session.execute(
            db.select(Registration).where(Registration.event_id == old.id).order_by(Registration.id)
        )
        .scalars()
        .all()
    )
    assert [(r.status, r.name, r.organisation, r.message) for r in rows] == [
        ("confirmed", "", "", ""),
        ("waitlisted", "", "", ""),
    ]
    assert [r.email for r in rows] == [f"anonyme-{r.id}@invalid" for r in rows]
    assert all(r.anonymized_at for r in rows)
    assert db.session.get(type(old), old.id).confirmed_count == 1  # counts kept
    assert kept.email == "p1@example.org" and kept.anonymized_at is None
    assert (
        db.session.execute(
            db.select(db.func.count(ManageLink.id)).where(
                ManageLink.registration_id.in_([r.id for r in rows])
            )
        ).scalar_one()
        == 0
    )
    # p1 still has a recent registration; p2 has nothing left.
    emails = db.session.execute(db.select(Participant.email)).scalars().all()
    assert emails == []  # p2's participant went; p1 never signed in
    again = runner.invoke(args=["purge-personal-data"])
    assert "Inscriptions anonymisées : 0." in again.output


def test_a_purged_manage_link_opens_nothing(app, create_event, client):
    event = create_event(capacity=3)
    register(event, 1)
    token = (
        __import__("re").search(r"/inscriptions/([A-Za-z0-9_-]+)", kinds_body("confirmed")).group(1)
    )
    assert client.get(f"/inscriptions/{token}").status_code == 200
    personal_data.purge_personal_data(event.ends_at + timedelta(seconds=1))
    db.session.commit()
    assert client.get(f"/inscriptions/{token}").status_code == 404


def kinds_body(kind: str) -> str:
    return (
        db.session.execute(db.select(OutboxMessage.text_body).where(OutboxMessage.kind == kind))
        .scalars()
        .first()
    )


# --- One person's data -----------------------------------------------------------------------


def test_export_then_forget_one_person(app, create_event):
    full = create_event("Complète", capacity=1)
    other = create_event("Autre", capacity=4, days=10)
    register(full, 1)
    register(full, 2)
    register(other, 1)
    db.session.add(participants.participant_for("p1@example.org"))
    db.session.commit()
    exported = personal_data.export_person("p1@example.org")
    json.dumps(exported)  # JSON-ready
    assert [(r["session"], r["statut"], r["nom"]) for r in exported["inscriptions"]] == [
        ("Autre", "Inscription confirmée", "Personne 1"),
        ("Complète", "Inscription confirmée", "Personne 1"),
    ]
    assert [m["objet"] for m in exported["courriels"]] == [
        "Inscription confirmée : Complète",
        "Inscription confirmée : Autre",
    ]
    assert personal_data.forget_person("p1@example.org") == 2
    db.session.commit()
    db.session.expire_all()
    assert personal_data.export_person("p1@example.org")["inscriptions"] == []
    assert kinds("cancelled") == []  # deleted with the rest: the person asked for it
    assert (
        db.session.execute(
            db.select(db.func.count()).where(OutboxMessage.recipient == "p1@example.org")
        ).scalar_one()
        == 0
    )
    assert db.session.execute(db.select(Participant)).scalars().all() == []
    # The seat went to the next person, who was told.
    assert service.active_registration(full.id, "p2@example.org").status == "confirmed"
    assert kinds("promoted") == ["p2@example.org"]
    assert db.session.get(type(full), full.id).confirmed_count == 1


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 5, 31, tzinfo=UTC), 1, datetime(2026, 4, 30, tzinfo=UTC)),
        (datetime(2026, 12, 31, tzinfo=UTC), 12, datetime(2025, 12, 31, tzinfo=UTC)),
        (datetime(2026, 1, 31, tzinfo=UTC), 2, datetime(2025, 11, 30, tzinfo=UTC)),
    ],
)
def test_months_before_keeps_the_last_day_of_shorter_months(moment, months, expected):
    assert personal_data.months_before(moment, months) == expected


def test_the_age_message_says_how_to_write_it():
    with pytest.raises(ValueError) as error:
        personal_data.parse_age("douze")
    assert str(error.value) == (
        "Durée non comprise : « douze ». Écrivez un nombre suivi de m (mois) ou de d (jours), "
        "par exemple 12m ou 90d."
    )
    assert personal_data.parse_age(" 12M ") == (12, "m")


def test_cutoff_in_months_or_days():
    now = datetime(2026, 3, 31, 8, tzinfo=UTC)
    assert personal_data.cutoff(1, "m", now) == datetime(2026, 2, 28, 8, tzinfo=UTC)
    assert personal_data.cutoff(30, "d", now) == datetime(2026, 3, 1, 8, tzinfo=UTC)


def test_the_purge_stops_exactly_at_its_limit(app, create_event):
    old = create_event("Ancienne", capacity=3)
    recent = create_event("Récente", capacity=3, days=30)
    register(old, 1)
    register(recent, 2)
    db.session.add(participants.participant_for("p2@example.org"))
    db.session.commit()
    limit = old.ends_at
    # Mails: an old one about the recent session, a recent one about the old session, and
    # one queued exactly at the limit about neither.
    about_recent = db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.event_id == recent.id)
    ).scalar_one()
    about_recent.created_at = limit - timedelta(days=1)
    about_old = db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.event_id == old.id)
    ).scalar_one()
    about_old.created_at = limit + timedelta(days=1)
    at_limit = OutboxMessage(
        kind="sign_in",
        recipient="x@example.org",
        subject="S",
        text_body="t",
        html_body="h",
        created_at=limit,
        next_attempt_at=limit,
    )
    db.session.add(at_limit)
    now = limit + timedelta(days=2)
    expiring_now = SignInLink(email="z@example.org", token_hash="a" * 64, expires_at=now)
    still_valid = SignInLink(
        email="z@example.org", token_hash="b" * 64, expires_at=now + timedelta(seconds=1)
    )
    db.session.add_all([expiring_now, still_valid])
    db.session.commit()
    # An event that ends exactly at the limit is not older than it; a mail queued exactly
    # at the limit is not older than it either.
    assert personal_data.purge_personal_data(limit, now) == personal_data.Purge(0, 1, 0, 1)
    remaining = db.session.execute(db.select(OutboxMessage.id).order_by(OutboxMessage.id))
    assert remaining.scalars().all() == [about_old.id, at_limit.id]
    assert db.session.execute(db.select(SignInLink.token_hash)).scalars().all() == ["b" * 64]
    # A moment later the session is old: its mails go, even one queued after the limit.
    done = personal_data.purge_personal_data(limit + timedelta(microseconds=1), now)
    assert (done.registrations, done.messages) == (1, 2)


def test_forgetting_cancels_upcoming_seats_only_and_keeps_past_statuses(app, create_event):
    upcoming = create_event("À venir", capacity=2)
    past = create_event("Passée", capacity=2)
    mine = register(upcoming, 1, now=None)
    attended = register(past, 1)
    attended.message = "J’y étais."
    past.starts_at = utcnow() - timedelta(days=3)
    past.ends_at = past.starts_at + timedelta(hours=2)
    participants.request_sign_in(
        "p1@example.org", minutes=60, max_per_email=5, window=timedelta(hours=1)
    )
    participants.request_sign_in(
        "p2@example.org", minutes=60, max_per_email=5, window=timedelta(hours=1)
    )
    register(upcoming, 2)
    participants.request_sign_in(
        "p2@example.org", minutes=60, max_per_email=5, window=timedelta(hours=1)
    )
    db.session.commit()
    moment = utcnow().replace(microsecond=0)
    assert personal_data.forget_person("p1@example.org", moment) == 2
    db.session.commit()
    db.session.expire_all()
    assert (mine.status, mine.cancelled_by, mine.cancelled_at) == ("cancelled", "organizer", moment)
    assert (attended.status, attended.cancelled_at) == ("confirmed", None)
    assert attended.message == "" and attended.anonymized_at == moment
    links = db.session.execute(db.select(SignInLink.email)).scalars().all()
    assert links == ["p2@example.org"]


def test_the_export_holds_every_field(app, create_event):
    event = create_event("Atelier export", capacity=1)
    first = service.sign_up(
        event,
        SignUp(name="Ada", email="ada@example.org", organisation="DINUM", message="Bonjour"),
        now=datetime(2026, 12, 1, 9, tzinfo=UTC),
    ).registration
    service.cancel_registration(first, by="participant", now=datetime(2026, 12, 2, 9, tzinfo=UTC))
    again = service.sign_up(
        event,
        SignUp(name="Ada L.", email="ada@example.org", organisation="DINUM"),
        now=datetime(2026, 12, 3, 9, tzinfo=UTC),
    ).registration
    again.reminded_at = datetime(2026, 12, 4, 9, tzinfo=UTC)
    sent = db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().first()
    sent.status, sent.sent_at = "sent", datetime(2026, 12, 1, 9, 1, tzinfo=UTC)
    db.session.commit()
    exported = personal_data.export_person("ada@example.org")
    assert set(exported) == {"adresse", "exporte_le", "inscriptions", "courriels"}
    assert exported["adresse"] == "ada@example.org"
    assert datetime.fromisoformat(exported["exporte_le"]).tzinfo is not None
    start = event.starts_at.isoformat()
    assert exported["inscriptions"] == [
        {
            "session": "Atelier export",
            "debut": start,
            "statut": "Inscription annulée",
            "nom": "Ada",
            "organisation": "DINUM",
            "message": "Bonjour",
            "inscrit_le": "2026-12-01T09:00:00+00:00",
            "place_confirmee_le": "2026-12-01T09:00:00+00:00",
            "annulee_le": "2026-12-02T09:00:00+00:00",
            "rappel_envoye_le": None,
        },
        {
            "session": "Atelier export",
            "debut": start,
            "statut": "Inscription confirmée",
            "nom": "Ada L.",
            "organisation": "DINUM",
            "message": "",
            "inscrit_le": "2026-12-03T09:00:00+00:00",
            "place_confirmee_le": "2026-12-03T09:00:00+00:00",
            "annulee_le": None,
            "rappel_envoye_le": "2026-12-04T09:00:00+00:00",
        },
    ]
    courriels = exported["courriels"]
    assert [(m["objet"], m["envoye_le"], m["statut"]) for m in courriels] == [
        ("Inscription confirmée : Atelier export", "2026-12-01T09:01:00+00:00", "Envoyé"),
        ("Inscription annulée : Atelier export", None, "En attente"),
        ("Inscription confirmée : Atelier export", None, "En attente"),
    ]
    assert set(courriels[0]) == {"objet", "cree_le", "envoye_le", "statut"}
    assert all(datetime.fromisoformat(m["cree_le"]).tzinfo is not None for m in courriels)
