"""The back office for people: an event's registrations (cancel, give a seat, CSV), the
outbox (pending, sent, failed, retry) and one person's data (export, delete)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from workshops.extensions import db
from workshops.mail import outbox
from workshops.models import OutboxMessage, OutboxStatus, Registration
from workshops.registrations import service
from workshops.registrations.service import SignUp


@pytest.fixture(autouse=True)
def request_context(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield


def register(event, n: int, **fields) -> Registration:  # type: ignore[no-untyped-def]
    data = {"name": f"Personne {n}", "email": f"p{n}@example.org", "organisation": "DINUM"}
    result = service.sign_up(event, SignUp(**{**data, **fields}))
    db.session.commit()
    return result.registration


@pytest.fixture
def full_event(create_event):  # type: ignore[no-untyped-def]
    event = create_event("Atelier pandas", capacity=2)
    for n in (1, 2, 3, 4):
        register(event, n)
    return event


def last_kind() -> tuple[str, str]:
    row = db.session.execute(
        db.select(OutboxMessage.kind, OutboxMessage.recipient).order_by(OutboxMessage.id.desc())
    ).first()
    return (row[0], row[1])  # type: ignore[index]


def test_visitors_are_sent_to_the_login_page(client, full_event):
    for path in (
        f"/organisation/sessions/{full_event.id}/inscriptions",
        f"/organisation/sessions/{full_event.id}/inscriptions.csv",
        "/organisation/courriels",
        "/organisation/donnees-personnelles",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/organisation/connexion"), path
    registration = service.active_registration(full_event.id, "p1@example.org")
    path = f"/organisation/sessions/{full_event.id}/inscriptions/{registration.id}/annuler"
    assert client.post(path).status_code == 302
    assert registration.status == "confirmed"


def test_the_registrations_page_counts_and_lists_everyone(client, organizer, full_event):
    service.cancel_registration(
        service.active_registration(full_event.id, "p4@example.org"), by="participant"
    )
    db.session.commit()
    page = client.get(f"/organisation/sessions/{full_event.id}/inscriptions")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.text
    assert "Places confirmées : <strong>2</strong> sur 2 (libres : 0)" in text
    assert "Liste d’attente : <strong>1</strong>" in text
    assert "Inscriptions annulées : <strong>1</strong>" in text
    confirmed = text.split(">Places confirmées</h2>")[1].split(">Liste d’attente</h2>")[0]
    assert "p1@example.org" in confirmed and "p2@example.org" in confirmed
    waiting = text.split(">Liste d’attente</h2>")[1].split(">Inscriptions annulées</h2>")[0]
    assert "p3@example.org" in waiting
    assert "Donner une place" not in waiting  # no seat is free
    assert "Aucune place n’est libre" in waiting
    assert "la personne" in text.split(">Inscriptions annulées</h2>")[1]


def test_an_organizer_cancels_someone_and_the_seat_goes_on(client, organizer, full_event):
    first = service.active_registration(full_event.id, "p1@example.org")
    path = f"/organisation/sessions/{full_event.id}/inscriptions/{first.id}/annuler"
    response = client.post(path)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "L’inscription de Personne 1 est annulée. Un courriel l’en informe." in page
    db.session.expire_all()
    assert (first.status, first.cancelled_by) == ("cancelled", "organizer")
    assert service.active_registration(full_event.id, "p3@example.org").status == "confirmed"
    kinds = db.session.execute(
        db.select(OutboxMessage.kind, OutboxMessage.recipient).order_by(OutboxMessage.id)
    ).all()
    assert [tuple(k) for k in kinds[-2:]] == [
        ("cancelled", "p1@example.org"),
        ("promoted", "p3@example.org"),
    ]
    assert client.post(path).status_code == 302  # twice: nothing more
    assert len(db.session.execute(db.select(OutboxMessage)).all()) == len(kinds)


def test_giving_a_seat_by_hand_needs_a_free_seat(client, organizer, full_event):
    fourth = service.active_registration(full_event.id, "p4@example.org")
    path = f"/organisation/sessions/{full_event.id}/inscriptions/{fourth.id}/place"
    page = client.get(client.post(path).headers["Location"]).text
    assert (
        "Aucune place n’est libre : augmentez le nombre de places ou annulez d’abord une "
        "inscription confirmée." in page
    )
    assert fourth.status == "waitlisted"
    full_event.capacity = 3  # as if raised without the automatic promotion
    db.session.commit()
    page = client.get(client.post(path).headers["Location"]).text
    assert "Personne 4 a maintenant une place. Un courriel l’en informe." in page
    db.session.expire_all()
    assert fourth.status == "confirmed"  # out of turn: p3 still waits
    assert service.active_registration(full_event.id, "p3@example.org").status == "waitlisted"
    assert last_kind() == ("promoted", "p4@example.org")


def test_a_registration_of_another_event_is_a_404(client, organizer, full_event, create_event):
    other = create_event("Autre")
    theirs = service.active_registration(full_event.id, "p1@example.org")
    for action in ("annuler", "place"):
        path = f"/organisation/sessions/{other.id}/inscriptions/{theirs.id}/{action}"
        assert client.post(path).status_code == 404
    assert client.get("/organisation/sessions/999999/inscriptions").status_code == 404


def test_the_csv_lists_people_safely_for_a_spreadsheet(client, organizer, create_event):
    event = create_event("Atelier CSV", capacity=1)
    register(event, 1, name='=HYPERLINK("http://evil")')
    register(event, 2, message='+33 6 00 00 00 00; et "guillemets"')
    response = client.get(f"/organisation/sessions/{event.id}/inscriptions.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="inscriptions-atelier-csv.csv"'
    )
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == [
        "Statut",
        "Position",
        "Nom",
        "Adresse",
        "Organisation",
        "Message",
        "Inscription",
    ]
    assert rows[1][:6] == [
        "Inscription confirmée",
        "",
        '\'=HYPERLINK("http://evil")',
        "p1@example.org",
        "DINUM",
        "",
    ]
    assert rows[2][:6] == [
        "Liste d’attente",
        "1",
        "Personne 2",
        "p2@example.org",
        "DINUM",
        '\'+33 6 00 00 00 00; et "guillemets"',
    ]


# --- Outbox ----------------------------------------------------------------------------------


def test_the_outbox_page_shows_each_status_and_retries_a_failure(client, organizer, app):
    pending = outbox.queue("confirmed", "a@example.org", "En attente", "t", "<p>t</p>")
    failed = outbox.queue("confirmed", "b@example.org", "Raté", "t", "<p>t</p>")
    sent = outbox.queue("confirmed", "c@example.org", "Parti", "t", "<p>t</p>")
    db.session.flush()
    failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, 10, "Refusé"
    sent.status = OutboxStatus.SENT
    db.session.commit()
    page = client.get("/organisation/courriels").text
    assert "En attente : <strong>1</strong>" in page
    assert "En échec : <strong>1</strong>" in page
    assert "Envoyés : <strong>1</strong>" in page
    assert "En attente" in page and "a@example.org" in page and "b@example.org" not in page
    failures = client.get("/organisation/courriels?vue=echecs").text
    assert "b@example.org" in failures and "Dernière erreur : Refusé" in failures
    assert "c@example.org" in client.get("/organisation/courriels?vue=envoyes").text
    assert client.get("/organisation/courriels?vue=autre").status_code == 404
    response = client.post(f"/organisation/courriels/{failed.id}/renvoyer?vue=echecs")
    assert response.headers["Location"] == "/organisation/courriels?vue=echecs"
    db.session.expire_all()
    assert (failed.status, failed.claimed_until) == (OutboxStatus.PENDING, None)
    client.post(f"/organisation/courriels/{sent.id}/renvoyer")
    assert "Ce courriel est déjà envoyé." in client.get("/organisation/courriels").text
    assert sent.status == OutboxStatus.SENT
    assert client.post("/organisation/courriels/999999/renvoyer").status_code == 404
    del pending


# --- One person's data -----------------------------------------------------------------------


def test_find_export_and_delete_one_persons_data(client, organizer, full_event):
    page = client.post(
        "/organisation/donnees-personnelles", data={"email": "P1@example.org", "action": "chercher"}
    )
    assert page.status_code == 200
    assert "Inscriptions de p1@example.org" in page.text
    assert "Atelier pandas" in page.text
    export = client.post(
        "/organisation/donnees-personnelles", data={"email": "p1@example.org", "action": "exporter"}
    )
    assert export.mimetype == "application/json"
    assert "attachment" in export.headers["Content-Disposition"]
    data = json.loads(export.data)
    assert [r["nom"] for r in data["inscriptions"]] == ["Personne 1"]
    refused = client.post(
        "/organisation/donnees-personnelles",
        data={"email": "p1@example.org", "action": "supprimer"},
    )
    assert refused.status_code == 422
    assert "Cochez la case pour confirmer la suppression." in refused.text
    assert service.active_registration(full_event.id, "p1@example.org") is not None
    done = client.post(
        "/organisation/donnees-personnelles",
        data={"email": "p1@example.org", "action": "supprimer", "confirm": "y"},
    )
    assert done.status_code == 302
    text = client.get(done.headers["Location"]).text
    assert "Les données de p1@example.org sont supprimées (1 inscription(s) anonymisée(s))." in text
    assert service.active_registration(full_event.id, "p1@example.org") is None
    assert service.active_registration(full_event.id, "p3@example.org").status == "confirmed"


@pytest.mark.parametrize(
    ("email", "message"), [("", "Indiquez l’adresse électronique."), ("pas-une-adresse", None)]
)
def test_a_wrong_address_is_refused(client, organizer, email, message):
    response = client.post(
        "/organisation/donnees-personnelles", data={"email": email, "action": "exporter"}
    )
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    if message:
        assert message in response.text


def test_a_cancelled_session_offers_no_seat_to_give(client, organizer, full_event):
    from workshops.events import lifecycle

    full_event.capacity = 3  # a free seat, and someone waiting
    db.session.commit()
    page = client.get(f"/organisation/sessions/{full_event.id}/inscriptions").text
    assert "Donner une place" in page
    lifecycle.cancel_event(full_event, "Salle indisponible.")
    db.session.commit()
    page = client.get(f"/organisation/sessions/{full_event.id}/inscriptions").text
    assert "Donner une place" not in page
    waiting = service.active_registration(full_event.id, "p3@example.org")
    path = f"/organisation/sessions/{full_event.id}/inscriptions/{waiting.id}/place"
    refused = client.get(client.post(path).headers["Location"]).text
    assert "La session est annulée : personne ne peut y recevoir de place." in refused


def test_deleting_an_unknown_address_says_there_was_nothing(client, organizer, full_event):
    done = client.post(
        "/organisation/donnees-personnelles",
        data={"email": "inconnu@example.org", "action": "supprimer", "confirm": "y"},
    )
    text = client.get(done.headers["Location"]).text
    assert (
        "Aucune inscription n’est enregistrée pour inconnu@example.org : rien à supprimer." in text
    )
    assert "sont supprimées" not in text


def test_a_refused_capacity_keeps_every_edit_typed(client, organizer, full_event):
    """Lowering the seats below those confirmed is refused next to the field, and the
    other changes typed in the same form are shown again, not lost."""
    data = {
        "kind": "workshop",
        "title": "Nouveau titre tapé",
        "summary": "Nouveau résumé tapé.",
        "description": "",
        "starts_at": "2031-12-04T14:00",
        "ends_at": "2031-12-04T16:00",
        "location": "Ségur, Paris",
        "online_url": "",
        "capacity": "1",
        "registration_closes_at": "",
        "themes": "",
    }
    response = client.post(f"/organisation/sessions/{full_event.id}/modifier", data=data)
    assert response.status_code == 422
    assert 'value="Nouveau titre tapé"' in response.text
    assert "Nouveau résumé tapé." in response.text
    assert (
        "2 personnes ont déjà une place confirmée : le nombre de places ne peut pas être "
        "inférieur. Annulez d’abord des inscriptions depuis la liste des personnes inscrites."
    ) in response.text
    db.session.expire_all()
    assert (full_event.title, full_event.capacity) == ("Atelier pandas", 2)


def test_the_refusal_speaks_of_one_person_in_the_singular(app, create_event):
    from workshops.events import lifecycle

    with app.test_request_context():
        event = create_event(capacity=3)
        register(event, 1)
    data = lifecycle.EventData.from_event(event)
    data.capacity = 0
    with pytest.raises(lifecycle.EventError) as refused:
        lifecycle.update_event(event, data)
    assert str(refused.value).startswith("1 personne a déjà une place confirmée : ")
    assert refused.value.field == "capacity"
