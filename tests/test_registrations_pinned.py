"""Registration rules pinned in their details (found missing by mutation testing): the
moments recorded, the order of lists, what each mail carries, the edges of links and
tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workshops.dates import utcnow
from workshops.extensions import db
from workshops.models import OutboxMessage, SignInLink
from workshops.registrations import notices, participants, service, tokens
from workshops.registrations.service import SignUp


@pytest.fixture(autouse=True)
def request_context(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield


def person(n: int) -> SignUp:
    return SignUp(name=f"Personne {n}", email=f"p{n}@example.org", organisation="DINUM")


def mail(kind: str, recipient: str) -> OutboxMessage:
    return (
        db.session.execute(
            db.select(OutboxMessage)
            .where(OutboxMessage.kind == kind, OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )


def test_the_moments_given_are_the_moments_recorded(app, create_event):
    event = create_event(capacity=1)
    moment = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    first = service.sign_up(event, person(1), now=moment).registration
    second = service.sign_up(event, person(2), now=moment).registration
    later = moment + timedelta(minutes=5)
    assert service.cancel_registration(first, by="participant", now=later)
    assert (first.cancelled_at, second.confirmed_at) == (later, later)
    third = service.sign_up(event, person(3), now=moment).registration
    event.capacity = 2  # a free seat, as if raised without the automatic promotion
    service.promote(third, now=later + timedelta(minutes=1))
    assert third.confirmed_at == later + timedelta(minutes=1)


def test_a_seat_freed_once_the_session_started_goes_to_nobody(app, create_event):
    event = create_event(capacity=1)
    first = service.sign_up(event, person(1)).registration
    second = service.sign_up(event, person(2)).registration
    service.cancel_registration(first, by="organizer", now=event.starts_at + timedelta(minutes=1))
    assert second.status == "waitlisted"


def test_filling_seats_returns_who_got_one(app, create_event):
    event = create_event(capacity=1)
    service.sign_up(event, person(1))
    waiting = [service.sign_up(event, person(n)).registration for n in (2, 3, 4)]
    event.capacity = 3
    db.session.flush()
    assert service.fill_free_seats(event) == waiting[:2]


def test_active_registrations_list_seats_then_the_waiting_list(app, create_event):
    event = create_event(capacity=1)
    other = create_event("Autre", capacity=1)
    one = service.sign_up(event, person(1)).registration
    two = service.sign_up(event, person(2)).registration
    three = service.sign_up(event, person(3)).registration
    four = service.sign_up(event, person(4)).registration
    service.sign_up(other, person(5))
    event.capacity = 2
    service.promote(three)  # out of turn: a seat holder with a later id than someone waiting
    service.cancel_registration(four, by="participant")
    assert service.active_registrations(event) == [one, three, two]


def test_waiting_list_positions_count_this_session_only(app, create_event):
    event = create_event(capacity=1)
    other = create_event("Autre", capacity=1)
    for n in (1, 2):
        service.sign_up(other, person(n))
    service.sign_up(event, person(3))
    mine = service.sign_up(event, person(4)).registration
    assert service.waitlist_position(mine) == 1


def test_promote_says_who_can_be_given_a_seat(app, create_event):
    event = create_event(capacity=2)
    seated = service.sign_up(event, person(1)).registration
    with pytest.raises(service.RegistrationError) as refused:
        service.promote(seated)
    assert str(refused.value) == "Seule une personne sur liste d’attente peut recevoir une place."


# --- What each mail carries --------------------------------------------------------------------


def test_each_mail_carries_its_position_link_and_file(app, create_event):
    event = create_event("Atelier SQL", capacity=1)
    service.sign_up(event, person(1))
    service.sign_up(event, person(2))
    service.sign_up(event, person(2))  # again: "already registered"
    waiting = mail("waitlisted", "p2@example.org")
    assert "vous êtes sur la liste d’attente, en position 1." in waiting.text_body
    assert "Gérer mon inscription : http://localhost/inscriptions/" in waiting.text_body
    assert "<title>Liste d’attente : Atelier SQL</title>" in waiting.html_body
    again = mail("already_registered", "p2@example.org")
    assert "Vous êtes sur la liste d’attente, en position 1." in again.text_body
    assert "Gérer mon inscription : http://localhost/inscriptions/" in again.text_body
    service.cancel_registration(
        service.active_registration(event.id, "p1@example.org"), by="participant"
    )
    promoted = mail("promoted", "p2@example.org")
    assert promoted.attachment_name == f"{event.slug}.ics"
    assert "Gérer mon inscription : http://localhost/inscriptions/" in promoted.text_body


def test_a_change_or_a_cancellation_carries_the_file_to_seat_holders(app, create_event):
    from workshops.events import lifecycle

    event = create_event("Atelier SQL", capacity=1)
    service.sign_up(event, person(1))
    service.sign_up(event, person(2))
    db.session.commit()
    data = lifecycle.EventData.from_event(event)
    data.location = "Salle 2"
    lifecycle.update_event(event, data)
    seat, waiting = mail("event_changed", "p1@example.org"), mail("event_changed", "p2@example.org")
    assert (seat.attachment_name, waiting.attachment_name) == (f"{event.slug}.ics", None)
    assert "Gérer mon inscription : http://localhost/inscriptions/" in waiting.text_body
    lifecycle.cancel_event(event, "Salle indisponible.")
    for recipient in ("p1@example.org", "p2@example.org"):
        cancelled = mail("event_cancelled", recipient)
        assert cancelled.attachment_name == f"{event.slug}.ics"
        assert "STATUS:CANCELLED" in cancelled.attachment


def test_notices_render_their_subject_in_the_html_title(app, create_event):
    event = create_event("Atelier SQL")
    registration = service.sign_up(event, person(1)).registration
    notices.cancelled(registration, by="participant")
    assert (
        "<title>Inscription annulée : Atelier SQL</title>"
        in mail("cancelled", "p1@example.org").html_body
    )


# --- Sign-in links ---------------------------------------------------------------------------


def ask(email: str, now=None) -> bool:  # type: ignore[no-untyped-def]
    return participants.request_sign_in(
        email, minutes=60, max_per_email=1, window=timedelta(hours=1), now=now
    )


def test_asking_for_a_link_says_whether_a_mail_went(app, create_event):
    service.sign_up(create_event(), person(1))
    moment = utcnow().replace(microsecond=0)
    assert ask("inconnu@example.org") is False
    assert ask("p1@example.org", now=moment) is True
    assert ask("p1@example.org") is False  # the limit for this address
    sent = mail("sign_in", "p1@example.org")
    assert sent.created_at == moment
    assert "http://localhost/mes-inscriptions/connexion/" in sent.text_body
    assert "<title>Votre lien pour retrouver vos inscriptions</title>" in sent.html_body


def test_a_link_expires_at_its_last_instant_and_only_its_own_token_opens_it(app, create_event):
    service.sign_up(create_event(), person(1))
    ask("p1@example.org")
    token = mail("sign_in", "p1@example.org").text_body.split("/connexion/")[1].split()[0]
    link = db.session.execute(db.select(SignInLink)).scalar_one()
    assert participants.valid_sign_in_link("B" * 43) is None
    assert participants.use_sign_in_link("B" * 43) is None
    assert participants.valid_sign_in_link(token, now=link.expires_at) is None
    assert participants.use_sign_in_link(token, now=link.expires_at) is None
    assert participants.valid_sign_in_link(token) == link


# --- Tokens ----------------------------------------------------------------------------------


def test_tokens_are_256_bits_in_43_characters():
    token, hashed = tokens.new_token()
    assert len(token) == 43 and len(hashed) == 64
    assert tokens.TOKEN_PATTERN.fullmatch(token)


def test_calendar_token_ids_have_at_most_twelve_digits():
    mac = "A" * 43
    assert tokens.calendar_token_parts(f"{'9' * 12}-{mac}") == (999999999999, mac)
    assert tokens.calendar_token_parts(f"{'9' * 13}-{mac}") is None


def test_the_calendar_token_depends_on_the_secret_key(app):
    first = tokens.calendar_token(1, "nonce")
    app.config["SECRET_KEY"] = "another-secret"
    second = tokens.calendar_token(1, "nonce")
    assert first != second
    assert "=" not in first and first.startswith("1-") and len(first) == 2 + 43


@pytest.mark.parametrize(("message", "kept"), [("", ""), ("  Des questions  ", "Des questions")])
def test_the_form_hands_over_every_field(client, create_event, message, kept):
    event = create_event()
    response = client.post(
        f"/ateliers/{event.slug}/inscription",
        data={
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "organisation": "DINUM",
            "message": message,
            "website": "",
        },
    )
    assert response.status_code == 302
    registration = service.active_registration(event.id, "ada@example.org")
    assert (registration.name, registration.organisation, registration.message) == (
        "Ada Lovelace",
        "DINUM",
        kept,
    )


def test_reminders_go_in_the_order_of_the_sessions(app, create_event, server_in_new_york):
    from workshops.registrations import reminders

    now = utcnow()
    earlier = now - timedelta(days=2)
    late = create_event("Plus tard", starts_at=now + timedelta(hours=8))
    soon = create_event("Bientôt", starts_at=now + timedelta(hours=4))
    service.sign_up(late, person(1), now=earlier)
    service.sign_up(soon, person(2), now=earlier)
    assert [r.event.title for r in reminders.due_reminders(now)] == ["Plus tard", "Bientôt"][::-1]
    assert reminders.reminder_horizon(now).utcoffset() == timedelta(0)
    assert str(reminders.reminder_horizon(now).tzinfo) == "UTC"


@pytest.mark.parametrize("count", [service.count_attempt, service.count_mail_to])
def test_the_throttles_count_at_the_moment_given(app, count):
    moment = utcnow() + timedelta(days=1)
    window = timedelta(hours=1)
    assert count("k", 1, window, moment) == 0
    assert count("k", 1, window, moment + timedelta(minutes=10)) == 50 * 60
    assert count("k", 1, window, moment + timedelta(hours=2)) == 0


def test_reminders_at_the_edges_of_their_window(app, create_event):
    from workshops.registrations import reminders

    now = utcnow().replace(microsecond=0)
    at_now = create_event("Commence maintenant", starts_at=now)
    at_horizon = create_event("À l’horizon", starts_at=reminders.reminder_horizon(now))
    inside = create_event("Dedans", starts_at=now + timedelta(hours=1))
    service.sign_up(at_now, person(1), now=now - timedelta(days=2))
    service.sign_up(at_horizon, person(2), now=now - timedelta(days=2))
    service.sign_up(inside, person(3), now=now - reminders.RECENT)  # exactly 12 hours ago
    service.sign_up(inside, person(4), now=now - timedelta(days=1))
    assert reminders.send_reminders(now) == 2
    recipients = (
        db.session.execute(
            db.select(OutboxMessage.recipient).where(OutboxMessage.kind == "reminder")
        )
        .scalars()
        .all()
    )
    assert sorted(recipients) == ["p3@example.org", "p4@example.org"]


def test_the_sign_in_mail_links_in_both_parts(app, create_event):
    service.sign_up(create_event(), person(1))
    ask("p1@example.org")
    sent = mail("sign_in", "p1@example.org")
    token = sent.text_body.split("/connexion/")[1].split()[0]
    assert f'href="http://localhost/mes-inscriptions/connexion/{token}"' in sent.html_body
    moment = utcnow().replace(microsecond=0) - timedelta(minutes=1)
    participant = participants.use_sign_in_link(token, now=moment)
    assert participant.created_at == moment


def test_the_list_at_the_last_instant_and_past_waiting_positions(app, create_event):
    event = create_event("Complète", capacity=1)
    service.sign_up(event, person(1))
    service.sign_up(event, person(2))
    upcoming, past = participants.my_registrations("p2@example.org", now=event.ends_at)
    assert upcoming == []
    assert [(item.event.title, item.position) for item in past] == [("Complète", 1)]
    upcoming, _ = participants.my_registrations(
        "p2@example.org", now=event.ends_at - timedelta(microseconds=1)
    )
    assert [item.position for item in upcoming] == [1]


def test_the_personal_feed_lists_sessions_in_time_order(app, create_event):
    later = create_event("Plus tard", days=9)
    sooner = create_event("Plus tôt", days=3)
    service.sign_up(later, person(1))
    service.sign_up(sooner, person(1))
    assert [e.title for e in participants.feed_events("p1@example.org")] == [
        "Plus tôt",
        "Plus tard",
    ]


def test_no_reminder_for_a_seat_given_back(app, create_event):
    from workshops.registrations import reminders

    now = utcnow()
    event = create_event("Demain", starts_at=now + timedelta(hours=5))
    registration = service.sign_up(event, person(1), now=now - timedelta(days=2)).registration
    service.cancel_registration(registration, by="participant", now=now - timedelta(days=1))
    assert reminders.due_reminders(now) == []


def test_the_list_holds_this_persons_registrations_only_with_true_positions(app, create_event):
    first = create_event("Première", capacity=1)
    second = create_event("Seconde", capacity=1, days=8)
    someone_elses = create_event("Celle d’une autre", days=9)
    service.sign_up(someone_elses, person(9))
    for n in (1, 2):
        service.sign_up(first, person(n))
    service.sign_up(second, person(3))
    service.sign_up(first, SignUp(name="Ada", email="ada@example.org", organisation="X"))
    service.sign_up(second, SignUp(name="Ada", email="ada@example.org", organisation="X"))
    upcoming, past = participants.my_registrations("ada@example.org")
    assert [(item.event.title, item.position) for item in upcoming] == [
        ("Première", 2),
        ("Seconde", 1),
    ]
    assert past == []


def test_sign_ups_close_at_the_very_instant_given(app, create_event):
    event = create_event()
    closes = event.starts_at - timedelta(days=1)
    event.registration_closes_at = closes
    assert service.closed_reason(event, closes - timedelta(microseconds=1)) is None
    assert service.closed_reason(event, closes).startswith(
        "Les inscriptions sont closes depuis le "
    )


def test_a_sign_up_records_the_moment_given(app, create_event):
    moment = (utcnow() - timedelta(hours=3)).replace(microsecond=0)
    registration = service.sign_up(create_event(), person(1), now=moment).registration
    assert (registration.created_at, registration.confirmed_at) == (moment, moment)


def test_a_place_on_the_waiting_list_is_not_a_confirmation(app, create_event):
    event = create_event(capacity=1)
    service.sign_up(event, person(1))
    waiting = service.sign_up(event, person(2)).registration
    assert (waiting.status, waiting.confirmed_at) == ("waitlisted", None)
