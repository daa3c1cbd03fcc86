"""Signing up, the waiting list, cancelling and promotion, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from workshops.events import lifecycle
from workshops.extensions import db
from workshops.models import Event, OutboxMessage, Registration, RegistrationStatus
from workshops.registrations import service
from workshops.registrations.service import SignUp


@pytest.fixture(autouse=True)
def request_context(app):  # type: ignore[no-untyped-def]
    """Mails carry absolute links: domain calls run as in a request (the CLI sets
    SERVER_NAME instead)."""
    with app.test_request_context():
        yield


def person(n: int, **fields) -> SignUp:  # type: ignore[no-untyped-def]
    return SignUp(name=f"Personne {n}", email=f"p{n}@example.org", organisation="DINUM", **fields)


def statuses(event: Event) -> list[tuple[str, str]]:
    rows = db.session.execute(
        db.select(Registration.email, Registration.status)
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def outbox() -> list[tuple[str, str, str]]:
    rows = db.session.execute(
        db.select(OutboxMessage.kind, OutboxMessage.recipient, OutboxMessage.subject).order_by(
            OutboxMessage.id
        )
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_seats_then_waiting_list_in_arrival_order(app, create_event):
    event = create_event("Atelier SQL", capacity=2)
    results = [service.sign_up(event, person(n)) for n in range(1, 5)]
    db.session.commit()
    assert statuses(event) == [
        ("p1@example.org", "confirmed"),
        ("p2@example.org", "confirmed"),
        ("p3@example.org", "waitlisted"),
        ("p4@example.org", "waitlisted"),
    ]
    assert [service.waitlist_position(r.registration) for r in results] == [None, None, 1, 2]
    assert event.confirmed_count == 2
    assert service.seats_left(event) == 0
    assert [kind for kind, _, _ in outbox()] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]


def test_unlimited_seats_confirm_everyone(app, create_event):
    event = create_event(capacity=None)
    for n in range(1, 4):
        service.sign_up(event, person(n))
    assert {status for _, status in statuses(event)} == {"confirmed"}
    assert service.seats_left(event) is None


def test_a_second_sign_up_is_idempotent_and_mails_the_details(app, create_event):
    event = create_event(capacity=1)
    first = service.sign_up(event, person(1))
    again = service.sign_up(event, person(1))
    db.session.commit()
    assert (first.created, again.created) == (True, False)
    assert again.registration.id == first.registration.id
    assert statuses(event) == [("p1@example.org", "confirmed")]
    assert [kind for kind, _, _ in outbox()] == ["confirmed", "already_registered"]


def test_the_database_refuses_a_second_active_registration(app, create_event):
    event = create_event()
    service.sign_up(event, person(1))
    db.session.commit()
    db.session.add(Registration(event=event, email="p1@example.org", name="X", status="waitlisted"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_more_confirmed_seats_than_capacity(app, create_event):
    """The backstop: a path that forgot the lock and the count still cannot overbook."""
    event = create_event(capacity=1)
    service.sign_up(event, person(1))
    db.session.commit()
    db.session.add(
        Registration(event_id=event.id, email="intrus@example.org", name="X", status="confirmed")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert statuses(event) == [("p1@example.org", "confirmed")]


def test_the_confirmed_count_follows_every_change(app, create_event):
    event = create_event(capacity=3)
    regs = [service.sign_up(event, person(n)).registration for n in range(1, 4)]
    db.session.commit()
    db.session.refresh(event)
    assert event.confirmed_count == 3
    regs[0].status = RegistrationStatus.WAITLISTED
    db.session.flush()
    db.session.refresh(event)
    assert event.confirmed_count == 2
    db.session.delete(regs[1])
    db.session.flush()
    db.session.refresh(event)
    assert event.confirmed_count == 1
    regs[0].status = RegistrationStatus.CONFIRMED
    db.session.flush()
    db.session.refresh(event)
    assert event.confirmed_count == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "cancelled"}, "Les inscriptions sont fermées : la session est annulée."),
        ({"days": -1}, "Cette session est terminée : les inscriptions sont closes."),
        ({"days": -1 / 24, "hours": 2}, "Cette session a commencé : les inscriptions sont closes."),
        (
            {"status": "draft"},
            "Cette session n’est pas publiée : les inscriptions ne sont pas ouvertes.",
        ),
    ],
)
def test_sign_up_is_refused_when_closed(app, create_event, fields, message):
    event = create_event(**fields)
    with pytest.raises(service.RegistrationError) as refused:
        service.sign_up(event, person(1))
    assert str(refused.value) == message


def test_sign_up_closes_at_the_closing_time(app, create_event):
    event = create_event()
    event.registration_closes_at = event.starts_at.replace(year=2000)
    with pytest.raises(service.RegistrationError) as refused:
        service.sign_up(event, person(1))
    assert str(refused.value).startswith("Les inscriptions sont closes depuis le ")


def test_cancelling_a_seat_promotes_the_first_person_waiting(app, create_event):
    event = create_event(capacity=1)
    first = service.sign_up(event, person(1)).registration
    service.sign_up(event, person(2))
    service.sign_up(event, person(3))
    db.session.commit()
    assert service.cancel_registration(first, by="participant") is True
    db.session.commit()
    assert statuses(event) == [
        ("p1@example.org", "cancelled"),
        ("p2@example.org", "confirmed"),
        ("p3@example.org", "waitlisted"),
    ]
    assert outbox()[-2:] == [
        ("cancelled", "p1@example.org", "Inscription annulée : Atelier SQL"),
        ("promoted", "p2@example.org", "Une place s’est libérée pour vous : Atelier SQL"),
    ]
    # A double click: nothing more happens, nobody is mailed twice.
    assert service.cancel_registration(first, by="participant") is False
    assert len(outbox()) == 5


def test_raising_the_capacity_promotes_and_lowering_it_below_the_seats_is_refused(
    app, create_event
):
    event = create_event(capacity=1)
    for n in range(1, 4):
        service.sign_up(event, person(n))
    db.session.commit()
    data = lifecycle.EventData.from_event(event)
    data.capacity = 2
    lifecycle.update_event(event, data)
    db.session.commit()
    assert [s for _, s in statuses(event)] == ["confirmed", "confirmed", "waitlisted"]
    data.capacity = 1
    with pytest.raises(lifecycle.EventError) as refused:
        lifecycle.update_event(event, data)
    assert str(refused.value).startswith("2 personnes ont déjà une place confirmée")


def test_an_organizer_promotes_by_hand_only_into_a_free_seat(app, create_event):
    event = create_event(capacity=1)
    service.sign_up(event, person(1))
    waiting = service.sign_up(event, person(2)).registration
    with pytest.raises(service.RegistrationError):
        service.promote(waiting)
    event.capacity = 3  # as if raised without the automatic promotion
    service.promote(waiting)
    assert waiting.status == "confirmed"


def test_cancelling_the_event_mails_everyone_registered(app, create_event):
    event = create_event(capacity=1)
    service.sign_up(event, person(1))
    service.sign_up(event, person(2))
    db.session.commit()
    lifecycle.cancel_event(event, "Intervenant malade.")
    db.session.commit()
    assert [(k, r) for k, r, _ in outbox()[-2:]] == [
        ("event_cancelled", "p1@example.org"),
        ("event_cancelled", "p2@example.org"),
    ]


def test_a_new_date_is_mailed_and_an_event_with_people_cannot_go_back_to_draft(app, create_event):
    event = create_event()
    service.sign_up(event, person(1))
    db.session.commit()
    data = lifecycle.EventData.from_event(event)
    data.summary = "Autre résumé."
    lifecycle.update_event(event, data)
    assert outbox()[-1][0] == "confirmed"  # a new summary is not worth a mail
    data.location = "Autre salle"
    lifecycle.update_event(event, data)
    assert outbox()[-1][:2] == ("event_changed", "p1@example.org")
    with pytest.raises(lifecycle.EventError):
        lifecycle.unpublish_event(event)


# --- Over HTTP -------------------------------------------------------------------------------


def form(**overrides):  # type: ignore[no-untyped-def]
    return {
        "name": "Ada Lovelace",
        "email": " Ada@Example.org ",
        "organisation": "DINUM",
        "message": "",
        "website": "",
        **overrides,
    }


def manage_token(kind: str = "confirmed") -> str:
    text = (
        db.session.execute(
            db.select(OutboxMessage.text_body)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id.desc())
        )
        .scalars()
        .first()
    )
    return re.search(r"/inscriptions/([A-Za-z0-9_-]+)", text).group(1)  # type: ignore[union-attr]


def test_signing_up_over_http_then_cancelling_with_the_mailed_link(client, create_event):
    event = create_event(capacity=5)
    page = client.get(f"/ateliers/{event.slug}").text
    assert "5 places restantes" in page
    response = client.post(f"/ateliers/{event.slug}/inscription", data=form())
    assert response.status_code == 302
    sent = client.get(response.headers["Location"])
    assert "Consultez votre messagerie" in sent.text
    assert "ada@example.org" in sent.text
    assert statuses(event) == [("ada@example.org", "confirmed")]
    token = manage_token()
    manage = client.get(f"/inscriptions/{token}")
    assert manage.status_code == 200
    assert manage.headers["Referrer-Policy"] == "no-referrer"
    assert manage.headers["Cache-Control"] == "no-store"
    assert "Place confirmée" in manage.text
    assert statuses(event) == [("ada@example.org", "confirmed")]  # GET changes nothing
    response = client.post(f"/inscriptions/{token}")
    assert response.status_code == 302
    assert statuses(event) == [("ada@example.org", "cancelled")]
    assert "Votre inscription est annulée." in client.get(f"/inscriptions/{token}").text


def test_the_answer_is_the_same_whether_or_not_already_registered(client, create_event):
    event = create_event()
    first = client.post(f"/ateliers/{event.slug}/inscription", data=form())
    second = client.post(f"/ateliers/{event.slug}/inscription", data=form())
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(statuses(event)) == 1


def test_a_filled_honeypot_stores_nothing_but_looks_the_same(client, create_event):
    event = create_event()
    response = client.post(
        f"/ateliers/{event.slug}/inscription", data=form(website="http://spam.example")
    )
    assert response.status_code == 302
    assert statuses(event) == []
    assert outbox() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"email": "pas-une-adresse"},
            "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.",
        ),
        ({"name": "  "}, "Indiquez votre prénom et votre nom."),
        ({"organisation": ""}, "Indiquez votre startup d’État ou votre organisation."),
        ({"message": "x" * 2001}, "Ce message ne doit pas dépasser 2 000 caractères."),
    ],
)
def test_bad_input_is_a_422_with_the_reason_and_nothing_stored(
    client, create_event, overrides, message
):
    event = create_event()
    response = client.post(f"/ateliers/{event.slug}/inscription", data=form(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert statuses(event) == []


def test_a_closed_event_refuses_with_its_reason(client, create_event):
    event = create_event(status="cancelled")
    response = client.post(f"/ateliers/{event.slug}/inscription", data=form())
    assert response.status_code == 409
    assert "Les inscriptions sont fermées : la session est annulée." in response.text
    draft = create_event("Brouillon", status="draft")
    assert client.post(f"/ateliers/{draft.slug}/inscription", data=form()).status_code == 404


def test_sign_ups_are_throttled_per_address(make_app, create_event):
    app = make_app(SIGNUP_MAX_PER_ADDRESS=2)
    with app.app_context():
        client = app.test_client()
        event = create_event()
        for n in range(2):
            assert (
                client.post(
                    f"/ateliers/{event.slug}/inscription", data=form(email=f"a{n}@x.org")
                ).status_code
                == 302
            )
        refused = client.post(f"/ateliers/{event.slug}/inscription", data=form(email="b@x.org"))
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        assert 3590 < wait <= 3600  # the hour's window, not "a few minutes"
        assert (
            "Vous avez envoyé beaucoup de demandes en peu de temps. Réessayez dans 60 minutes."
            in refused.text
        )
        assert len(statuses(event)) == 2


def test_a_forged_token_is_a_404(client, create_event):
    assert client.get("/inscriptions/" + "A" * 43).status_code == 404
    assert client.post("/inscriptions/" + "A" * 43).status_code == 404


def test_the_confirmation_mail_reads_well_and_carries_the_event(app, create_event):
    event = create_event("Atelier SQL")
    service.sign_up(event, person(1))
    db.session.commit()
    message = db.session.execute(db.select(OutboxMessage)).scalar_one()
    assert message.subject == "Inscription confirmée : Atelier SQL"
    assert message.text_body.startswith("Bonjour Personne 1,\n\nVotre inscription est confirmée")
    assert (
        f"Page de la session : http://localhost/ateliers/{event.slug}\n\n"
        "Le fichier joint ajoute la session à votre agenda." in message.text_body
    )
    assert message.attachment_name == f"{event.slug}.ics"
    assert f"UID:{event.uid}" in message.attachment


def test_nobody_is_given_a_seat_at_a_cancelled_or_started_session(app, create_event):
    event = create_event(capacity=1)
    service.sign_up(event, person(1))
    waiting = service.sign_up(event, person(2)).registration
    db.session.commit()
    lifecycle.cancel_event(event, "Salle indisponible.")
    event.capacity = 2  # a seat is free, but the session will not take place
    db.session.commit()
    with pytest.raises(service.RegistrationError) as refused:
        service.promote(waiting)
    assert str(refused.value) == "La session est annulée : personne ne peut y recevoir de place."
    started = create_event("Commencée", capacity=1)
    service.sign_up(started, person(3))
    late = service.sign_up(started, person(4)).registration
    started.capacity = 2
    db.session.commit()
    with pytest.raises(service.RegistrationError) as refused:
        service.promote(late, now=started.starts_at)
    assert str(refused.value) == "La session a commencé : personne ne peut y recevoir de place."
    service.promote(late, now=started.starts_at - timedelta(minutes=1))
    assert late.status == "confirmed"


def test_the_manage_page_of_a_cancelled_session_offers_no_cancel_button(client, create_event):
    event = create_event(capacity=3)
    response = client.post(f"/ateliers/{event.slug}/inscription", data=form())
    assert response.status_code == 302
    token = manage_token()
    assert "Annuler mon inscription" in client.get(f"/inscriptions/{token}").text
    lifecycle.cancel_event(event, "Salle indisponible.")
    db.session.commit()
    page = client.get(f"/inscriptions/{token}").text
    assert "Cette session est annulée" in page
    assert "Annuler mon inscription" not in page
    refused = client.post(f"/inscriptions/{token}")
    assert refused.status_code == 302
    assert (
        "Cette session est annulée : rien à annuler de votre côté."
        in client.get(f"/inscriptions/{token}").text
    )
    assert statuses(event) == [("ada@example.org", "confirmed")]


def test_an_address_gets_a_limited_number_of_sign_up_mails(app, client, create_event):
    """Signing someone else's address up again and again (from many client addresses)
    would flood their mailbox: beyond SIGNUP_MAX_PER_EMAIL an hour, nothing more is sent,
    and the page looks the same."""
    app.config["SIGNUP_MAX_PER_EMAIL"] = 2
    event = create_event(capacity=5)
    answers = [client.post(f"/ateliers/{event.slug}/inscription", data=form()) for _ in range(4)]
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {
        (302, f"/ateliers/{event.slug}/inscription/envoyee")
    }
    assert [kind for kind, _, _ in outbox()] == ["confirmed", "already_registered"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"name": "Urgent : voir https://evil.example/login"},
            "Ce champ ne doit pas contenir d’adresse web.",
        ),
        ({"name": "Voir www.evil.example"}, "Ce champ ne doit pas contenir d’adresse web."),
        ({"organisation": "http://evil.example"}, "Ce champ ne doit pas contenir d’adresse web."),
        ({"name": "\u200b\u2060"}, "Indiquez votre prénom et votre nom."),
        ({"organisation": "\u200b"}, "Indiquez votre startup d’État ou votre organisation."),
    ],
)
def test_names_with_a_web_address_or_nothing_visible_are_refused(
    client, create_event, fields, message
):
    event = create_event()
    response = client.post(f"/ateliers/{event.slug}/inscription", data=form(**fields))
    assert response.status_code == 422
    assert message in response.text
    assert statuses(event) == []


def mail_text(kind: str, recipient: str) -> str:
    return db.session.execute(
        db.select(OutboxMessage.text_body).where(
            OutboxMessage.kind == kind, OutboxMessage.recipient == recipient
        )
    ).scalar_one()


def test_a_change_is_told_to_seats_and_waiting_list_in_their_own_words(app, create_event):
    event = create_event(capacity=1)
    service.sign_up(event, person(1))
    service.sign_up(event, person(2))
    db.session.commit()
    data = lifecycle.EventData.from_event(event)
    data.location = "Salle 2"
    lifecycle.update_event(event, data)
    seat, waiting = (
        mail_text("event_changed", "p1@example.org"),
        mail_text("event_changed", "p2@example.org"),
    )
    assert (
        "La date, l’horaire ou le lieu de cette session, à laquelle vous êtes inscrit ou "
        "inscrite, a changé. Voici les informations à jour :" in seat
    )
    assert "Si vous ne pouvez plus venir, annulez votre inscription :" in seat
    assert (
        "La date, l’horaire ou le lieu de cette session, pour laquelle vous êtes sur la liste "
        "d’attente, a changé. Voici les informations à jour :" in waiting
    )
    assert "Si vous ne pouvez plus venir, quittez la liste d’attente :" in waiting


def test_a_cancellation_by_the_organizers_says_whom_to_write_to(app, create_event):
    event = create_event(capacity=2)
    registration = service.sign_up(event, person(1)).registration
    service.cancel_registration(registration, by="organizer")
    text = mail_text("cancelled", "p1@example.org")
    assert (
        "L’équipe d’organisation a annulé votre inscription à cette session. Pour toute "
        f"question, écrivez à {app.config['CONTACT_EMAIL']}." in text
    )


def test_a_refused_sign_up_names_its_errors_like_every_form(client, create_event):
    event = create_event()
    response = client.post(
        f"/ateliers/{event.slug}/inscription", data=form(name="", email="ada.example.org")
    )
    assert response.status_code == 422
    assert "<title>Erreur - Atelier SQL" in response.text
    assert "Le formulaire contient 2 erreurs" in response.text
    assert (
        '<a href="#name">Prénom et nom : Indiquez votre prénom et votre nom.</a>' in response.text
    )
    assert '<a href="#email">Adresse électronique : ' in response.text


def test_a_finished_session_says_it_is_over(app, create_event):
    event = create_event()
    assert service.closed_reason(event, event.starts_at) == (
        "Cette session a commencé : les inscriptions sont closes."
    )
    assert service.closed_reason(event, event.ends_at) == (
        "Cette session est terminée : les inscriptions sont closes."
    )
