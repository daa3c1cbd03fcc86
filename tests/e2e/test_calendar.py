"""A visitor adds a session to their calendar and subscribes to a filtered feed."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from tests.calendar_readers import read_alike


def test_visitor_downloads_a_session_for_their_calendar(visitor, tmp_path: Path):
    page = visitor.page
    visitor.goto("/ateliers")
    page.locator(".fr-card__title a").first.click()
    visitor.audit()
    title = page.get_by_role("heading", level=1).inner_text()
    box = page.locator("#agenda")
    expect(box.get_by_role("heading", name="Ajouter à mon agenda")).to_be_visible()
    expect(box.get_by_role("link", name=re.compile("^Google Agenda"))).to_have_attribute(
        "href", re.compile(r"^https://calendar\.google\.com/calendar/render\?action=TEMPLATE&")
    )
    with page.expect_download() as download_info:
        box.get_by_role("link", name=re.compile("^Télécharger le fichier de la session")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    (seen,) = read_alike(path.read_bytes())
    assert seen.summary == title
    assert seen.status == "CONFIRMED"
    visitor.screenshot("session-agenda")


def test_visitor_builds_a_filtered_feed_copies_it_and_reads_it(visitor):
    page = visitor.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=visitor.server.url)
    visitor.goto("/")
    page.get_by_role("link", name="Recevoir les sessions dans mon agenda").click()
    expect(page).to_have_url(re.compile(r"/calendrier$"))
    visitor.audit()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "S’abonner au calendrier des sessions"
    )
    page.get_by_label("Type").select_option(label="Ateliers collectifs")
    page.get_by_role("button", name="Obtenir l’adresse de ce calendrier").click()
    expect(page).to_have_url(
        re.compile(r"/calendrier\?type=atelier&theme=&format=#calendrier-choisi$")
    )
    visitor.audit()
    chosen = page.locator("#calendrier-choisi")
    expect(chosen.get_by_role("heading", name="Votre calendrier")).to_be_visible()
    chosen.get_by_role("button", name="Copier l’adresse").click()
    expect(chosen.locator("#calendrier-choisi-statut")).to_have_text(
        "Adresse copiée. Collez-la dans votre application d’agenda."
    )
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{visitor.server.url}/calendrier.ics?type=atelier"
    expect(
        chosen.get_by_role("link", name="Ouvrir dans mon application d’agenda")
    ).to_have_attribute("href", copied.replace("http://", "webcal://"))
    visitor.screenshot("calendrier")
    with urllib.request.urlopen(copied, timeout=10) as response:  # noqa: S310 - our server
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        seen = read_alike(response.read())
    assert seen, "the demo data has workshops"
    assert all(event.categories[0] == "Atelier collectif" for event in seen)
