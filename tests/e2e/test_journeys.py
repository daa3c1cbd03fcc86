"""What a visitor and an organizer do, with the mouse and with the keyboard alone."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

#: The focused element, and whether a focus ring is drawn on it (or, for the DSFR's
#: enlarged links and hidden radio inputs, on the block or label that shows it).
FOCUS_JS = """() => {
  const el = document.activeElement;
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
  const drawn = (node, pseudo) => {
    const style = getComputedStyle(node, pseudo);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
      || (style.boxShadow && style.boxShadow !== 'none');
  };
  // An enlarged link (card, header brand) draws its ring on a::before, over the block.
  let visible = drawn(el, null) || (el.closest('.fr-enlarge-link') && drawn(el, '::before'));
  const label = el.id && document.querySelector(`label[for="${el.id}"]`);
  if (!visible && label) visible = drawn(label, '::before') || drawn(label, null);
  return {text, tag: el.tagName, id: el.id, type: el.type || '', visible};
}"""


def tab_to(page, text: str, *, limit: int = 120, key: str = "Tab") -> dict:
    """Press Tab until the focused element's text starts with `text`; focus must be visible."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUS_JS)
        seen.append(focused["text"][:30] or focused["id"])
        if focused["text"].startswith(text) or focused["id"] == text:
            assert focused["visible"], f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"{text!r} never got the focus; tab order: {seen}")


def test_visitor_goes_from_the_offer_to_a_session(visitor):
    page = visitor.page
    visitor.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aide transverse Data Science")
    expect(page.get_by_role("heading", name="Deux approches complémentaires")).to_be_visible()
    visitor.screenshot("accueil")
    page.get_by_role("link", name="Voir les ateliers à venir").click()
    expect(page).to_have_url(re.compile(r"/ateliers$"))
    visitor.audit()
    visitor.screenshot("catalogue")
    card = page.locator(".fr-card__title a").first
    title = card.inner_text()
    card.click()
    visitor.audit()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("(heure de Paris)")).to_be_visible()
    visitor.screenshot("session")
    visitor.goto("/ateliers/passes")
    visitor.screenshot("sessions-passees")
    visitor.goto("/ateliers/atelier-segmentation-de-la-donnee")
    expect(page.get_by_text("Cette session est annulée")).to_be_visible()
    visitor.goto("/accessibilite")
    visitor.goto("/ateliers/n-existe-pas", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")


def test_visitor_filters_the_catalogue(visitor):
    page = visitor.page
    visitor.goto("/ateliers")
    page.get_by_label("Type").select_option("communaute")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r"type=communaute"))
    visitor.audit()
    badges = page.locator(".fr-card .fr-badge").all_inner_texts()
    assert badges and all(b.upper() == "SESSION COMMUNAUTÉ" for b in badges)
    page.get_by_label("Rechercher").fill("aucun atelier ne parle de ça")
    page.get_by_role("button", name="Appliquer les filtres").click()
    visitor.audit()
    expect(page.get_by_text("Aucune session à venir ne correspond à ces filtres")).to_be_visible()
    visitor.goto("/ateliers?format=teleportation", status=400)
    expect(page.get_by_text("Un filtre n’est pas valide")).to_be_visible()


def test_mobile_menu_opens_with_the_dsfr_script(visitor):
    page = visitor.page
    page.set_viewport_size({"width": 375, "height": 812})
    visitor.goto("/")
    navigation = page.get_by_role("navigation", name="Menu principal")
    expect(navigation).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(navigation).to_be_visible()
    visitor.audit()
    page.get_by_role("link", name="Sessions passées").click()
    expect(page).to_have_url(re.compile(r"/ateliers/passes$"))


def login(visitor) -> None:
    page = visitor.page
    visitor.goto("/organisation/connexion")
    visitor.screenshot("connexion")
    page.get_by_label("Adresse électronique").fill(visitor.server.email)
    page.get_by_label("Mot de passe").fill("mauvais mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse électronique ou mot de passe incorrect.")).to_be_visible()
    visitor.audit()
    page.get_by_label("Mot de passe").fill(visitor.server.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/organisation/$"))
    visitor.audit()


def test_organizer_creates_and_publishes_a_session(visitor):
    page = visitor.page
    title = f"Atelier navigateur {uuid.uuid4().hex[:6]}"
    login(visitor)
    visitor.screenshot("organisation-sessions")
    page.get_by_role("link", name="Nouvelle session").first.click()
    visitor.audit()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le formulaire contient")).to_be_visible()
    visitor.audit()
    visitor.screenshot("organisation-formulaire-erreurs")
    page.get_by_text("Atelier collectif", exact=True).click()
    page.locator("#title").fill(title)
    page.locator("#summary").fill("Un atelier créé par le test du navigateur.")
    page.locator("#description").fill("## Programme\n\n- Découvrir\n- Pratiquer")
    page.locator("#starts_at").fill("2031-12-04T14:00")
    page.locator("#ends_at").fill("2031-12-04T16:30")
    page.locator("#location").fill("Ségur, salle 1")
    page.locator("#capacity").fill("10")
    page.locator("#themes").fill("Tests, Navigateur")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le brouillon a été enregistré.")).to_be_visible()
    visitor.audit()
    page.get_by_role("link", name="Aperçu").click()
    visitor.audit()
    expect(page.get_by_text("Brouillon : aperçu")).to_be_visible()
    page.go_back()
    # An edit typed just before publishing is saved with it, never lost.
    page.locator("#capacity").fill("11")
    page.get_by_role("button", name="Enregistrer et publier").click()
    expect(page.get_by_text("La session est enregistrée et publiée.")).to_be_visible()
    expect(page.locator("#capacity")).to_have_value("11")
    visitor.audit()
    visitor.goto("/ateliers")
    page.get_by_role("link", name=title).click()
    visitor.audit()
    expect(page.get_by_text("Jeudi 4 décembre 2031, de 14 h à 16 h 30")).to_be_visible()
    visitor.goto("/organisation/comptes")
    visitor.goto("/organisation/page-offre")
    page.get_by_role("button", name="Prévisualiser").click()
    visitor.audit()


def test_keyboard_alone_reaches_a_session_from_the_offer(visitor):
    page = visitor.page
    visitor.goto("/")
    tab_to(page, "Voir les ateliers à venir")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ateliers$"))
    first_title = page.locator(".fr-card__title a").first.inner_text()
    tab_to(page, first_title)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(first_title)
    visitor.audit()


def test_keyboard_alone_filters_the_catalogue(visitor):
    page = visitor.page
    visitor.goto("/ateliers")
    tab_to(page, "type")  # the "Type" select, by its id
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "Sessions communauté"
    tab_to(page, "Appliquer les filtres")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"type=communaute"))
    visitor.audit()


def test_keyboard_alone_creates_and_publishes_a_session(visitor):
    page = visitor.page
    title = f"Atelier clavier {uuid.uuid4().hex[:6]}"
    visitor.goto("/organisation/connexion")
    tab_to(page, "email")
    page.keyboard.type(visitor.server.email)
    page.keyboard.press("Tab")
    page.keyboard.type(visitor.server.password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/organisation/$"))
    tab_to(page, "Nouvelle session")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle session")
    tab_to(page, "kind-0")
    page.keyboard.press("Space")
    tab_to(page, "title")
    page.keyboard.type(title)
    page.keyboard.press("Tab")
    page.keyboard.type("Créé au clavier seulement.")
    # A French date field: jj/mm/aaaa, Tab to the time, then past the calendar button.
    tab_to(page, "starts_at")
    page.keyboard.type("04122031")
    page.keyboard.press("Tab")
    page.keyboard.type("1000")
    tab_to(page, "ends_at")
    page.keyboard.type("04122031")
    page.keyboard.press("Tab")
    page.keyboard.type("1200")
    tab_to(page, "location")
    page.keyboard.type("Ségur, salle 2")
    tab_to(page, "Enregistrer le brouillon")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Le brouillon a été enregistré.")).to_be_visible()
    tab_to(page, "Enregistrer et publier")
    page.keyboard.press("Enter")
    expect(page.get_by_text("La session est enregistrée et publiée.")).to_be_visible()
    visitor.goto("/ateliers")
    tab_to(page, title)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Jeudi 4 décembre 2031, de 10 h à 12 h")).to_be_visible()


def test_every_back_office_page_passes_axe(visitor):
    """The pages the journeys above do not reach, each audited on load."""
    page = visitor.page
    login(visitor)
    for view in ("brouillons", "annulees", "passees", "toutes"):
        visitor.goto(f"/organisation/?vue={view}")
    page.get_by_role("link", name="Explorer ses données d’usage avec SQL").first.click()
    visitor.audit()
    page.get_by_role("link", name="Annuler la session").click()
    visitor.audit()
    page.get_by_role("button", name="Annuler la session").click()
    expect(page.get_by_text("Indiquez le motif de l’annulation.").first).to_be_visible()
    visitor.audit()
    visitor.screenshot("organisation-annulation")
    visitor.goto("/organisation/comptes/nouveau")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_text("Le formulaire contient")).to_be_visible()
    visitor.audit()
    visitor.goto("/organisation/comptes")
    page.get_by_role("link", name="Karim Benali (démo)").click()
    visitor.audit()
    visitor.screenshot("organisation-compte")
