"""Session materials in a browser: an organizer uploads a PDF (the progress script, its
size check before sending, a refused file) and adds a link; a visitor downloads the PDF
from the session's page and browses /ressources. axe audits each page."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from .. import material_files as files
from .conftest import VIEWPORTS
from .test_journeys import login

SESSION = "Mettre un modèle en production : introduction au MLOps"


# Playwright's client leaves its own copy of a download (in /tmp/playwright-artifacts-*)
# open after the context closes; that file is Playwright's, not the app's.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name='/tmp/playwright-artifacts-"
    ":pytest.PytestUnraisableExceptionWarning"
)
def test_an_organizer_uploads_and_a_visitor_downloads(visitor, browser, tmp_path):
    page = visitor.page
    login(visitor)
    visitor.goto("/organisation/")
    page.get_by_role("link", name=SESSION).first.click()
    page.get_by_role("link", name=re.compile("^Supports")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supports de la session")
    visitor.audit()
    expect(page.get_by_text("Taille maximale : 50 Mo par fichier")).to_be_visible()

    # Too large: said at once, nothing sent. (The form carries the limit; a 50 MB file
    # would only slow the test down, so the form is given a 1 KB limit here.)
    page.evaluate(
        "() => { const form = document.querySelector('form[data-upload]');"
        " form.dataset.maxBytes = '1000'; form.dataset.maxSize = '1 Ko'; }"
    )
    too_big = tmp_path / "enorme.pdf"
    too_big.write_bytes(b"%PDF-1.4\n" + b"0" * 1000)
    page.locator("#files").set_input_files(str(too_big))
    posts: list[str] = []
    page.on("request", lambda sent: posts.append(sent.url) if sent.method == "POST" else None)
    page.get_by_role("button", name="Envoyer les fichiers").click()
    expect(
        page.get_by_text(
            "« enorme.pdf » dépasse la taille maximale de 1 Ko par fichier : rien n’a été envoyé."
        )
    ).to_be_visible()
    assert posts == []
    visitor.audit()

    # A web page posing as a PDF: the server refuses it, the page says why.
    disguised = tmp_path / "programme.pdf"
    disguised.write_bytes(files.html_page())
    page.locator("#files").set_input_files(str(disguised))
    page.get_by_role("button", name="Envoyer les fichiers").click()
    expect(page.locator("#erreurs")).to_contain_text(
        "« programme.pdf » : ce fichier contient du HTML"
    )
    expect(page).to_have_title(re.compile("^Erreur - Supports"))
    visitor.audit()
    # The refusal (422) reached the script, not a page: the console notes it, as it should.
    visitor.error_documents.add(page.url)

    # A real PDF, with its title: sent with the progress bar, then listed.
    slides = tmp_path / "Diapositives MLOps.pdf"
    slides.write_bytes(files.pdf("MLOps"))
    page.locator("#files").set_input_files(str(slides))
    page.locator("#title").fill("Diapositives de l’atelier")
    page.get_by_role("button", name="Envoyer les fichiers").click()
    expect(page.get_by_text("Le fichier a été ajouté.")).to_be_visible()
    expect(page.get_by_role("link", name="Diapositives de l’atelier", exact=True)).to_be_visible()
    visitor.audit()

    # A link, with a wrong address first.
    page.get_by_label("Adresse du lien").fill("ftp://depot.example.org")
    page.locator("#lien-title").fill("Le dépôt du code")
    page.get_by_role("button", name="Ajouter le lien").click()
    expect(
        page.get_by_text("Le lien doit commencer par https:// (ou http://).").first
    ).to_be_visible()
    visitor.audit()
    page.get_by_label("Adresse du lien").fill("https://github.com/betagouv/exemple-mlops")
    page.get_by_role("button", name="Ajouter le lien").click()
    expect(page.get_by_text("Le lien a été ajouté.")).to_be_visible()
    visitor.audit()
    visitor.screenshot("organisation-supports")
    page.set_viewport_size(VIEWPORTS["mobile"])
    visitor.audit()
    page.set_viewport_size(VIEWPORTS["desktop"])

    # Someone else, not logged in, downloads the PDF from the session's page.
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", accept_downloads=True)
    try:
        request = SimpleNamespace(node=SimpleNamespace(name="visiteur-supports"))
        person = type(visitor)(context.new_page(), visitor.server, visitor.html_pages, request)
        person.goto("/ateliers")
        person.page.get_by_role("link", name=SESSION).first.click()
        section = person.page.locator("#supports")
        expect(section.get_by_role("heading", name="Supports de la session")).to_be_visible()
        expect(section).to_contain_text("PDF –")
        expect(section.get_by_role("link", name="Le dépôt du code")).to_be_visible()
        person.audit()
        person.screenshot("session-supports")
        with person.page.expect_download() as started:
            section.get_by_role("link", name=re.compile("^Diapositives de l’atelier")).click()
        download = started.value
        assert download.suggested_filename == "Diapositives MLOps.pdf"
        assert open(download.path(), "rb").read() == files.pdf("MLOps")  # noqa: SIM115

        # The archive finds it by a word of its title, accents aside.
        person.goto("/ressources")
        person.page.get_by_role("searchbox", name="Mots-clés").fill("diapositives mlops")
        person.page.get_by_role("button", name="Rechercher").click()
        expect(
            person.page.get_by_role("heading", name="1 support correspondant à votre recherche")
        ).to_be_visible()
        person.audit()
        person.screenshot("ressources")
        person.finish()
    finally:
        context.close()
    visitor.finish()
