"""/mes-inscriptions: a single-use link by mail, the person's list, cancelling from it, and
the personal calendar feed, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest

from workshops.addresses import INVALID_EMAIL_MESSAGE
from workshops.dates import utcnow
from workshops.extensions import db
from workshops.models import OutboxMessage, Registration, SignInLink
from workshops.registrations import participants, service
from workshops.registrations.service import SignUp

ADA = "ada@example.org"


def register(event, email: str = ADA, name: str = "Ada Lovelace") -> Registration:  # type: ignore[no-untyped-def]
    result = service.sign_up(event, SignUp(name=name, email=email, organisation="DINUM"))
    db.session.commit()
    return result.registration


def sign_in_mails(email: str = ADA) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            db.select(OutboxMessage)
            .where(OutboxMessage.kind == "sign_in", OutboxMessage.recipient == email)
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def link_token(message: OutboxMessage) -> str:
    match = re.search(r"/mes-inscriptions/connexion/([A-Za-z0-9_-]+)", message.text_body)
    assert match, message.text_body
    return match.group(1)


def signed_in(client, email: str = ADA):  # type: ignore[no-untyped-def]
    """Ask for a link, follow it, and press the button: the person's list page."""
    client.post("/mes-inscriptions", data={"email": email})
    token = link_token(sign_in_mails(email)[-1])
    response = client.post(f"/mes-inscriptions/connexion/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mes-inscriptions"
    return client.get("/mes-inscriptions")


@pytest.fixture
def mailed_events(app, client, create_event):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        full = create_event("Atelier complet", capacity=1)
        register(full, "premier@example.org", "Premier")
        register(full)
        open_ = create_event("Atelier ouvert", days=3)
        register(open_)
    return full, open_


def test_a_known_address_gets_a_single_use_link(client, mailed_events):
    response = client.post("/mes-inscriptions", data={"email": " Ada@Example.org "})
    assert response.status_code == 302
    assert response.headers["Location"] == "/mes-inscriptions/lien-envoye"
    page = client.get(response.headers["Location"]).text
    assert (
        "Si <strong>ada@example.org</strong> a servi à s’inscrire à une session, un lien de "
        "connexion vient d’y être envoyé." in page
    )
    [mail] = sign_in_mails()
    assert mail.subject == "Votre lien pour retrouver vos inscriptions"
    assert "Il est valable 60 minutes et ne sert qu’une fois." in mail.text_body
    token = link_token(mail)
    stored = db.session.execute(db.select(SignInLink)).scalar_one()
    assert stored.token_hash != token and len(token) >= 43  # 256 bits; only the hash kept
    assert stored.expires_at - stored.created_at == timedelta(minutes=60)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailed_events):
    known = client.post("/mes-inscriptions", data={"email": ADA})
    unknown = client.post("/mes-inscriptions", data={"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert sign_in_mails("personne@example.org") == []
    assert db.session.execute(db.select(db.func.count(SignInLink.id))).scalar_one() == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Indiquez votre adresse électronique."),
        ("ada.example.org", INVALID_EMAIL_MESSAGE),
    ],
)
def test_a_wrong_address_is_refused_in_french(client, mailed_events, email, message):
    response = client.post("/mes-inscriptions", data={"email": email})
    assert response.status_code == 422
    assert message in response.text
    assert sign_in_mails() == []


def test_opening_the_link_spends_nothing_until_the_button(client, mailed_events):
    client.post("/mes-inscriptions", data={"email": ADA})
    token = link_token(sign_in_mails()[-1])
    for _ in range(2):  # a mail scanner, then the person
        page = client.get(f"/mes-inscriptions/connexion/{token}")
        assert page.status_code == 200
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert page.headers["Cache-Control"] == "no-store"
        assert "Voir mes inscriptions" in page.text
    assert client.post(f"/mes-inscriptions/connexion/{token}").status_code == 302
    # A double click: the second POST finds the link spent, but the person signed in.
    again = client.post(f"/mes-inscriptions/connexion/{token}")
    assert (again.status_code, again.headers["Location"]) == (302, "/mes-inscriptions")
    assert client.get(f"/mes-inscriptions/connexion/{token}").status_code == 302
    # Someone else (another browser) with the spent link gets nothing.
    other = client.application.test_client()
    refused = other.post(f"/mes-inscriptions/connexion/{token}")
    assert refused.status_code == 404
    assert "Ce lien de connexion n’est plus valable" in refused.text
    assert other.get(f"/mes-inscriptions/connexion/{token}").status_code == 404


def test_an_expired_or_forged_link_opens_nothing(app, client, mailed_events):
    client.post("/mes-inscriptions", data={"email": ADA})
    token = link_token(sign_in_mails()[-1])
    link = db.session.execute(db.select(SignInLink)).scalar_one()
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post(f"/mes-inscriptions/connexion/{token}").status_code == 404
    assert client.post("/mes-inscriptions/connexion/" + "A" * 43).status_code == 404
    list_page = client.get("/mes-inscriptions").text
    assert "Recevoir mon lien de connexion" in list_page  # still signed out
    assert participants.use_sign_in_link(token) is None


def test_the_list_shows_upcoming_and_past_with_status_and_position(client, mailed_events):
    page = signed_in(client)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.text
    assert "Inscriptions de <strong>ada@example.org</strong>." in text
    upcoming = text.split(">Sessions à venir</h2>")[1].split(">Sessions passées</h2>")[0]
    # Soonest first: the open workshop (3 days) then the full one (7 days).
    assert upcoming.index("Atelier ouvert") < upcoming.index("Atelier complet")
    assert "Place confirmée" in upcoming
    assert "Liste d’attente : position 1" in upcoming
    assert "premier@example.org" not in text
    assert "Aucune session passée." in text


def test_past_sessions_are_listed_latest_first_and_cannot_be_cancelled(app, client, mailed_events):
    full, open_ = mailed_events
    for event, days in ((full, 20), (open_, 10)):
        event.starts_at = utcnow() - timedelta(days=days)
        event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    text = signed_in(client).text
    past = text.split(">Sessions passées</h2>")[1]
    assert past.index("Atelier ouvert") < past.index("Atelier complet")
    assert "Aucune inscription à une session à venir." in text
    registration = service.active_registration(open_.id, ADA)
    response = client.post(f"/mes-inscriptions/{registration.id}/annuler")
    assert response.status_code == 302
    assert registration.status == "confirmed"
    assert "Cette session est passée" in client.get("/mes-inscriptions").text


def test_cancelling_from_the_list_gives_the_seat_to_the_next_person(client, mailed_events):
    full, _ = mailed_events
    signed_in(client, "premier@example.org")
    mine = service.active_registration(full.id, "premier@example.org")
    response = client.post(f"/mes-inscriptions/{mine.id}/annuler")
    assert response.status_code == 302
    page = client.get("/mes-inscriptions").text
    assert "Votre inscription à « Atelier complet » est annulée." in page
    db.session.expire_all()
    assert service.active_registration(full.id, "premier@example.org") is None
    assert service.active_registration(full.id, ADA).status == "confirmed"
    again = client.post(f"/mes-inscriptions/{mine.id}/annuler")  # double click
    assert again.status_code == 302
    kinds = [m.kind for m in db.session.execute(db.select(OutboxMessage)).scalars()]
    assert kinds.count("cancelled") == 1
    assert kinds.count("promoted") == 1


def test_nobody_cancels_someone_elses_registration(client, mailed_events):
    full, _ = mailed_events
    theirs = service.active_registration(full.id, "premier@example.org")
    assert client.post(f"/mes-inscriptions/{theirs.id}/annuler").status_code == 403
    signed_in(client)
    assert client.post(f"/mes-inscriptions/{theirs.id}/annuler").status_code == 404
    assert client.post("/mes-inscriptions/999999/annuler").status_code == 404
    db.session.expire_all()
    assert theirs.status == "confirmed"


def test_the_session_ends_after_its_hours(client, mailed_events):
    signed_in(client)
    with client.session_transaction() as session:
        session["participant"] = {
            **session["participant"],
            "until": (utcnow() - timedelta(seconds=1)).isoformat(),
        }
    assert "Recevoir mon lien de connexion" in client.get("/mes-inscriptions").text
    for broken in ({"id": "x", "until": "y"}, "texte", {"id": 1}):
        with client.session_transaction() as session:
            session["participant"] = broken
        assert client.get("/mes-inscriptions").status_code == 200


def test_signing_out(client, mailed_events):
    signed_in(client)
    response = client.post("/mes-inscriptions/deconnexion")
    assert response.status_code == 302
    page = client.get("/mes-inscriptions").text
    assert "Vous avez quitté votre espace, sur cet appareil comme sur les autres." in page
    assert "Recevoir mon lien de connexion" in page


def test_links_per_address_are_limited(app, client, mailed_events):
    app.config["SIGNIN_MAX_PER_EMAIL"] = 2
    answers = [client.post("/mes-inscriptions", data={"email": ADA}) for _ in range(3)]
    assert {a.headers["Location"] for a in answers} == {"/mes-inscriptions/lien-envoye"}
    assert len(sign_in_mails()) == 2


# --- The personal calendar feed --------------------------------------------------------------


def feed_path(page: str) -> str:
    match = re.search(r'value="http://localhost(/mon-calendrier/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1)


def test_the_personal_feed_holds_the_confirmed_sessions(client, mailed_events):
    path = feed_path(signed_in(client).text)
    client.post("/mes-inscriptions/deconnexion")  # an agenda has no session
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]).startswith("Mes inscriptions, ")
    titles = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert titles == ["Atelier ouvert"]  # waiting on the other: not in the agenda
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_a_new_feed_address_kills_the_old_one(client, mailed_events):
    old = feed_path(signed_in(client).text)
    response = client.post("/mes-inscriptions/calendrier")
    assert response.status_code == 302
    page = client.get("/mes-inscriptions").text
    new = feed_path(page)
    assert new != old
    assert "Votre calendrier a une nouvelle adresse" in page
    gone = client.get(old)
    assert gone.status_code == 404
    assert gone.text == "Ce calendrier n’existe pas ou son adresse a été renouvelée.\n"
    assert client.get(new).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["1-" + "A" * 43, "999-" + "A" * 43, "abc-" + "A" * 43, "1", "1-é", "-" + "A" * 43],
)
def test_a_forged_feed_token_is_a_404(client, mailed_events, token):
    signed_in(client)
    assert client.get(f"/mon-calendrier/{token}.ics").status_code == 404


def test_a_signed_out_visitor_cannot_change_the_feed(client, mailed_events):
    assert client.post("/mes-inscriptions/calendrier").status_code == 403


def test_a_session_of_a_deleted_participant_never_opens_someone_else(app, client, mailed_events):
    """Ids are reused (SQLite hands out the last deleted one): a cookie naming a
    participant id must not open the next person's space once the first one is gone."""
    from workshops.registrations import personal_data

    signed_in(client)
    with client.session_transaction() as session:
        stale = dict(session["participant"])
    with app.test_request_context():
        personal_data.forget_person(ADA)
    db.session.commit()
    other = app.test_client()
    signed_in(other, "premier@example.org")  # may well get Ada's old id
    with client.session_transaction() as session:
        session["participant"] = stale
    page = client.get("/mes-inscriptions").text
    assert "premier@example.org" not in page
    assert "Recevoir mon lien de connexion" in page


def test_signing_out_ends_every_copy_of_the_session(app, client, mailed_events):
    signed_in(client)
    with client.session_transaction() as session:
        copy = dict(session["participant"])
    client.post("/mes-inscriptions/deconnexion")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session["participant"] = copy
    assert "Recevoir mon lien de connexion" in thief.get("/mes-inscriptions").text
    full, _ = mailed_events
    mine = service.active_registration(full.id, ADA)
    assert thief.post(f"/mes-inscriptions/{mine.id}/annuler").status_code == 403
    signed_in(client)  # signing in again works
    assert (
        "Inscriptions de <strong>ada@example.org</strong>." in client.get("/mes-inscriptions").text
    )


def test_too_many_requests_from_one_address_say_how_long_to_wait(app, client, mailed_events):
    app.config["SIGNUP_MAX_PER_ADDRESS"] = 1
    assert client.post("/mes-inscriptions", data={"email": ADA}).status_code == 302
    refused = client.post("/mes-inscriptions", data={"email": ADA})
    assert refused.status_code == 429
    assert 3590 < int(refused.headers["Retry-After"]) <= 3600
    assert (
        "Vous avez envoyé beaucoup de demandes en peu de temps. Réessayez dans 60 minutes."
        in refused.text
    )
    assert len(sign_in_mails()) == 1


def test_a_session_signed_up_to_again_is_listed_once(client, mailed_events):
    _, open_ = mailed_events
    with client.application.test_request_context():
        service.cancel_registration(service.active_registration(open_.id, ADA), by="participant")
        db.session.commit()
        register(open_)
    upcoming, _ = participants.my_registrations(ADA)
    assert [(item.event.title, item.registration.status) for item in upcoming] == [
        ("Atelier ouvert", "confirmed"),
        ("Atelier complet", "waitlisted"),
    ]
