"""Signing up in a browser, with the mail read from the SMTP server the app really sent it
to: cancelling through the mailed link, being promoted from the waiting list, finding
one's registrations through /mes-inscriptions. axe audits each page on the way."""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from playwright.sync_api import expect

from .conftest import VIEWPORTS
from .test_journeys import login

FREE_SESSION = "Premiers pas en apprentissage automatique"
FULL_SESSION = "Explorer ses données d’usage avec SQL"


def address(visitor, name: str) -> str:  # type: ignore[no-untyped-def]
    return f"{name}-{visitor.server.backend}-{uuid.uuid4().hex[:6]}@example.org"


def link_in(message, path: str) -> str:  # type: ignore[no-untyped-def]
    """The path of the link to `path`… in a mail's text part."""
    text = message.get_body(("plain",)).get_content()
    match = re.search(rf"https?://\S+({re.escape(path)}\S+)", text)
    assert match, text
    return urlsplit(match.group(0)).path


def open_session(visitor, title: str) -> None:  # type: ignore[no-untyped-def]
    visitor.goto("/ateliers")
    visitor.page.get_by_role("link", name=title).first.click()
    visitor.audit()


def sign_up(visitor, email: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page = visitor.page
    page.get_by_label("Prénom et nom").fill(name)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Startup d’État ou organisation").fill("Startup du test")
    page.locator("#inscription button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    visitor.audit()


def test_sign_up_read_the_mail_follow_the_link_and_cancel(visitor):
    page = visitor.page
    email = address(visitor, "ada")
    open_session(visitor, FREE_SESSION)
    expect(page.get_by_text("places restantes")).to_be_visible()
    # A wrong address first: refused in French, nothing sent.
    page.get_by_label("Prénom et nom").fill("Ada Lovelace")
    page.get_by_label("Adresse électronique").fill("ada.example.org")
    page.get_by_label("Startup d’État ou organisation").fill("Startup du test")
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.get_by_text("Saisissez une adresse électronique valide").first).to_be_visible()
    visitor.audit()
    visitor.screenshot("inscription-erreur")
    sign_up(visitor, email, "Ada Lovelace")
    visitor.screenshot("inscription-envoyee")
    mail = visitor.server.inbox.wait_for(email, "Inscription confirmée")
    assert [part.get_filename() for part in mail.iter_attachments()] == [
        "premiers-pas-en-apprentissage-automatique.ics"
    ]
    visitor.goto(link_in(mail, "/inscriptions/"))
    expect(page.get_by_text("Place confirmée")).to_be_visible()
    visitor.screenshot("mon-inscription")
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    expect(page.get_by_text("Inscription annulée", exact=True)).to_be_visible()
    visitor.audit()
    visitor.server.inbox.wait_for(email, "Inscription annulée")


def test_join_the_waiting_list_then_get_the_seat_an_organizer_frees(visitor, browser):
    page = visitor.page
    email = address(visitor, "grace")
    open_session(visitor, FULL_SESSION)
    expect(page.get_by_text("complet : liste d’attente")).to_be_visible()
    sign_up(visitor, email, "Grace Hopper")
    waiting = visitor.server.inbox.wait_for(email, "Liste d’attente")
    text = waiting.get_body(("plain",)).get_content()
    position = int(re.search(r"position (\d+)", text).group(1))  # type: ignore[union-attr]
    visitor.goto(link_in(waiting, "/inscriptions/"))
    expect(page.get_by_text(f"Liste d’attente : position {position}")).to_be_visible()

    # An organizer, in another browser, cancels as many seats as there are people ahead.
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    try:
        # Visitor reads only the test's name from pytest's request.
        request = SimpleNamespace(node=SimpleNamespace(name="organizer"))
        organizer = type(visitor)(context.new_page(), visitor.server, visitor.html_pages, request)
        login(organizer)
        organizer.goto("/organisation/")
        organizer.page.get_by_role(
            "link", name=re.compile("inscriptions à " + FULL_SESSION)
        ).click()
        organizer.audit()
        organizer.screenshot("organisation-inscriptions")
        for _ in range(position):
            organizer.page.get_by_role(
                "button", name=re.compile("^Annuler l’inscription : ")
            ).first.click()
            expect(
                organizer.page.get_by_text("est annulée. Un courriel l’en informe.")
            ).to_be_visible()
        organizer.audit()
        # On a phone the tables (cancellations now listed too) scroll sideways: the
        # scrolling regions are reachable with the keyboard.
        organizer.page.set_viewport_size(VIEWPORTS["mobile"])
        organizer.audit()
        organizer.page.set_viewport_size(VIEWPORTS["desktop"])
        organizer.goto("/organisation/courriels?vue=envoyes")
        organizer.goto("/organisation/donnees-personnelles")
        organizer.page.get_by_label("Adresse électronique de la personne").fill(email)
        organizer.page.get_by_role("button", name="Chercher").click()
        expect(organizer.page.get_by_text(f"Inscriptions de {email}")).to_be_visible()
        organizer.audit()
        organizer.finish()
    finally:
        context.close()

    promoted = visitor.server.inbox.wait_for(email, "Une place s’est libérée pour vous")
    visitor.goto(link_in(promoted, "/inscriptions/"))
    expect(page.get_by_text("Place confirmée")).to_be_visible()


def test_find_my_registrations_with_a_link_by_mail(visitor):
    page = visitor.page
    email = address(visitor, "katherine")
    open_session(visitor, FREE_SESSION)
    sign_up(visitor, email, "Katherine Johnson")
    visitor.server.inbox.wait_for(email, "Inscription confirmée")
    visitor.goto("/mes-inscriptions")
    visitor.screenshot("mes-inscriptions-demande")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_role("button", name="Recevoir mon lien de connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    visitor.audit()
    mail = visitor.server.inbox.wait_for(email, "Votre lien pour retrouver vos inscriptions")
    visitor.goto(link_in(mail, "/mes-inscriptions/connexion/"))
    page.get_by_role("button", name="Voir mes inscriptions").click()
    expect(page.get_by_text(f"Inscriptions de {email}.")).to_be_visible()
    expect(page.get_by_role("link", name=FREE_SESSION)).to_be_visible()
    visitor.audit()
    visitor.screenshot("mes-inscriptions")
    page.set_viewport_size(VIEWPORTS["mobile"])
    visitor.audit()
    page.set_viewport_size(VIEWPORTS["desktop"])
    feed = page.locator("#mon-calendrier-adresse").input_value()
    response = page.request.get(feed)
    assert response.status == 200
    assert FREE_SESSION in response.text().replace("\r\n ", "")
    page.get_by_role("button", name=re.compile("^Annuler")).first.click()
    expect(page.get_by_text(f"Votre inscription à « {FREE_SESSION} » est annulée.")).to_be_visible()
    visitor.audit()
