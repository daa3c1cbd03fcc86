"""Back-office pages: tables, icons, current menu item, confirmation before deleting, titles."""

import re
from html import unescape

from workshops.extensions import db
from workshops.models import Event

from .htmlcheck import ROOT

DSFR = ROOT / "node_modules" / "@gouvfr" / "dsfr" / "dist"


def test_every_icon_class_used_exists_in_the_pinned_dsfr():
    css = (DSFR / "dsfr.min.css").read_text() + (DSFR / "utility/icons/icons.min.css").read_text()
    used = set()
    for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "workshops").rglob("*.py")]:
        used |= set(re.findall(r"fr-icon-[a-z0-9-]+", path.read_text()))
    assert used
    missing = sorted(icon for icon in used if not re.search(rf"\.{icon}(?![a-z0-9-])", css))
    assert not missing


def main_nav_current(html: str) -> list[str]:
    nav = re.search(r'<nav class="fr-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a class="fr-nav__link" href="[^"]*" aria-current="page">([^<]+)</a>', nav)


def test_main_menu_marks_the_right_item(client, admin):
    assert main_nav_current(client.get("/").text) == ["Accueil"]
    assert main_nav_current(client.get("/accessibilite").text) == []
    assert main_nav_current(client.get("/ateliers").text) == ["Ateliers à venir"]
    assert main_nav_current(client.get("/organisation/page-offre").text) == ["Espace organisation"]


def test_tables_wrap_their_cells_instead_of_hiding_columns(client, admin, create_event):
    create_event("Atelier SQL")
    for url in ("/organisation/?vue=toutes", "/organisation/comptes"):
        html = client.get(url).text
        assert 'class="fr-table fr-table--no-caption fr-table--multiline"' in html, url


def test_deleting_a_draft_asks_for_confirmation_first(client, organizer, create_event):
    draft = create_event("Brouillon à jeter", status="draft")
    edit = unescape(client.get(f"/organisation/sessions/{draft.id}/modifier").text)
    confirm_url = f"/organisation/sessions/{draft.id}/supprimer"
    # The edit page links to the confirmation page; it does not delete in one click.
    assert re.search(rf'<a class="fr-btn [^"]*fr-icon-delete-line" href="{confirm_url}">', edit)
    page = client.get(confirm_url)
    assert page.status_code == 200
    html = unescape(page.text)
    assert "<title>Supprimer le brouillon « Brouillon à jeter » ?" in html
    assert re.search(rf'<form method="post" action="{confirm_url}">', html)
    assert db.session.get(Event, draft.id) is not None  # a GET deletes nothing
    assert client.post(confirm_url).status_code == 302
    assert db.session.get(Event, draft.id) is None


def test_the_confirmation_page_refuses_what_cannot_be_deleted(client, organizer, create_event):
    published = create_event("Publié")
    response = client.get(f"/organisation/sessions/{published.id}/supprimer")
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert "Seuls les brouillons jamais publiés peuvent être supprimés." in unescape(follow.text)


def test_edit_and_cancel_titles_name_the_session(client, organizer, create_event):
    event = create_event("Atelier SQL")
    edit = unescape(client.get(f"/organisation/sessions/{event.id}/modifier").text)
    assert "<title>Modifier la session « Atelier SQL » - Espace organisation" in edit
    cancel = unescape(client.get(f"/organisation/sessions/{event.id}/annuler").text)
    assert "<title>Annuler « Atelier SQL » - Espace organisation" in cancel
    refused = unescape(client.post(f"/organisation/sessions/{event.id}/annuler").text)
    assert "<title>Erreur - Annuler « Atelier SQL »" in refused


def test_other_back_office_titles_say_which_page_it_is(client, admin, create_event):
    cancelled = create_event("Atelier annulé", status="cancelled")
    page = unescape(client.get(f"/organisation/sessions/{cancelled.id}/modifier").text)
    assert "<title>Session en lecture seule « Atelier annulé » - Espace organisation" in page
    assert "<h1>Session en lecture seule</h1>" in page
    drafts = unescape(client.get("/organisation/?vue=brouillons").text)
    assert "<title>Sessions : brouillons - Espace organisation" in drafts
    account = unescape(client.get(f"/organisation/comptes/{admin.id}").text)
    assert "<title>Modifier le compte de Ada Admin - Espace organisation" in account
    offer = unescape(client.get("/organisation/page-offre").text)
    assert "<title>Modifier la page d’accueil - Espace organisation" in offer


def test_a_new_account_defaults_to_the_organizer_role(client, admin):
    html = client.get("/organisation/comptes/nouveau").text
    select = re.search(r'<select[^>]*id="role"[^>]*>(.*?)</select>', html, re.S).group(1)
    selected = re.findall(r"<option[^>]*selected[^>]*>([^<]+)</option>", select)
    assert len(selected) == 1
    assert re.search(
        r'<option[^>]*selected[^>]*value="organizer"|value="organizer"[^>]*selected', select
    )


def icon_buttons_hidden_by_their_group(html: str) -> list[str]:
    """Labelled buttons with an icon inside a DSFR button group that lacks an icon-position
    modifier: DSFR 1.15 then renders them icon-only (40 px wide, text cut off)."""
    hidden = []
    main = html[html.index("<main") : html.index("</main>")]  # the header's tools differ
    for group in re.findall(r'<ul class="(fr-btns-group[^"]*)">(.*?)</ul>', main, re.S):
        classes, body = group
        if "fr-btns-group--icon-" in classes:
            continue
        for label in re.findall(r'class="fr-btn[^"]*fr-icon-[^"]*"[^>]*>([^<]+)<', body):
            hidden.append(unescape(label.strip()))
    return hidden


def test_labelled_buttons_with_an_icon_keep_their_text_visible(client, organizer, create_event):
    draft = create_event("Brouillon", status="draft")
    published = create_event("Publiée")
    for path in (
        f"/organisation/sessions/{draft.id}/modifier",
        f"/organisation/sessions/{draft.id}/supprimer",
        f"/organisation/sessions/{published.id}/modifier",
        "/organisation/",
        "/",
    ):
        assert icon_buttons_hidden_by_their_group(client.get(path).text) == [], path
