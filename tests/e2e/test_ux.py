"""Fixes from the UX and accessibility reviews, checked in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

TRANSPARENT = "rgba(0, 0, 0, 0)"


def background(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def test_dsfr_background_utilities_are_loaded(visitor):
    page = visitor.page
    visitor.goto("/")
    assert background(page, ".fr-background-alt--blue-france") not in (TRANSPARENT, "")
    visitor.goto("/ateliers")
    grey = background(page, "form.fr-background-alt--grey")
    assert grey not in (TRANSPARENT, "")
    page.locator(".fr-card__title a").first.click()
    visitor.audit()
    assert background(page, ".fr-background-alt--grey") == grey


def login(visitor) -> None:
    page = visitor.page
    visitor.goto("/organisation/connexion")
    page.get_by_label("Adresse électronique").fill(visitor.server.email)
    page.get_by_label("Mot de passe").fill(visitor.server.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/organisation/$"))


def test_a_refused_form_focuses_its_error_summary_whose_links_reach_the_fields(visitor):
    page = visitor.page
    login(visitor)
    visitor.goto("/organisation/sessions/nouvelle")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#erreurs")).to_be_focused()
    visitor.audit()
    page.locator("#erreurs").get_by_role("link", name=re.compile("^Type de session")).click()
    expect(page.locator("#kind-0")).to_be_focused()
    # Required state is in the accessibility tree: the name says it, the group is required.
    group = page.get_by_role("radiogroup", name=re.compile(r"Type de session.*obligatoire"))
    expect(group).to_have_count(1)
    expect(page.get_by_label(re.compile(r"^Début\W*obligatoire"))).to_have_count(1)


def contrast(page, selector: str) -> float:
    """WCAG contrast ratio between an element's text colour and its own background."""
    return page.eval_on_selector(
        selector,
        """el => {
          const style = getComputedStyle(el);
          const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
          const lum = c => {
            const [r, g, b] = rgb(c).map(v => {
              v /= 255;
              return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }""",
    )


def test_the_current_back_office_filter_tag_keeps_its_contrast_on_hover(visitor):
    page = visitor.page
    login(visitor)
    current = '.fr-tag[aria-current="page"]'
    assert contrast(page, current) >= 4.5
    page.hover(current)
    page.wait_for_timeout(300)  # let a transition end
    assert contrast(page, current) >= 4.5
    page.mouse.down()
    assert contrast(page, current) >= 4.5
    page.mouse.move(0, 0)  # release elsewhere: no click
    page.mouse.up()


def test_the_menu_skip_link_works_on_a_small_screen(visitor):
    page = visitor.page
    page.set_viewport_size({"width": 375, "height": 812})
    visitor.goto("/ateliers")
    page.keyboard.press("Tab")  # "Contenu"
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Menu")
    page.keyboard.press("Enter")
    expect(page.locator("#bouton-menu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    visitor.audit()
    # On a large screen it still leads to the visible navigation.
    page.set_viewport_size({"width": 1280, "height": 800})
    visitor.goto("/ateliers")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#navigation$"))
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Accueil")


def test_the_back_office_table_fits_a_laptop_screen(visitor):
    page = visitor.page
    login(visitor)
    visitor.goto("/organisation/?vue=toutes")
    overflow = page.eval_on_selector(
        ".fr-table__container", "el => el.scrollWidth - el.clientWidth"
    )
    assert overflow <= 0
    expect(page.get_by_role("columnheader", name="Organisation")).to_be_in_viewport()
    visitor.screenshot("organisation-toutes")


def test_deleting_a_draft_goes_through_a_confirmation_page(visitor):
    page = visitor.page
    login(visitor)
    visitor.goto("/organisation/?vue=brouillons")
    page.locator("td a").first.click()
    visitor.audit()
    title = page.locator("h1 + div strong").inner_text()
    page.get_by_role("link", name="Supprimer le brouillon").click()
    visitor.audit()
    expect(page).to_have_title(re.compile(rf"^Supprimer le brouillon « {re.escape(title)} » \?"))
    visitor.screenshot("organisation-suppression")
    page.get_by_role("link", name="Revenir sans supprimer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier la session")


def test_legal_pages_are_reached_from_the_footer(visitor):
    page = visitor.page
    visitor.goto("/")
    footer = page.locator("#pied-de-page")
    for name, heading in (
        ("Mentions légales", "Mentions légales"),
        ("Données personnelles", "Données personnelles"),
        ("Accessibilité : non conforme", "Déclaration d’accessibilité"),
    ):
        footer.get_by_role("link", name=name).click()
        visitor.audit()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    visitor.screenshot("accessibilite")


def test_catalogue_filters_fold_on_a_phone_and_show_on_a_laptop(visitor):
    page = visitor.page
    visitor.goto("/ateliers?type=atelier")
    toggle = page.get_by_role("button", name=re.compile(r"^Filtrer"))
    expect(toggle).to_be_hidden()
    expect(page.get_by_label("Rechercher")).to_be_visible()
    visitor.screenshot("catalogue-filtre")
    page.set_viewport_size({"width": 375, "height": 812})
    visitor.goto("/ateliers?type=atelier")
    expect(toggle).to_have_text("Filtrer (1 filtre actif)")
    expect(page.get_by_label("Rechercher")).to_be_hidden()
    # The first session is on the first screen, not below the form.
    expect(page.locator(".fr-card").first).to_be_in_viewport()
    toggle.click()
    expect(page.get_by_label("Rechercher")).to_be_visible()
    visitor.audit()
    page.get_by_label("Type").select_option("")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_title(re.compile(r"^Ateliers et sessions à venir - "))
