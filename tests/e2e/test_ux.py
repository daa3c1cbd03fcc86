"""Fixes from the UX and accessibility reviews, checked in a real browser."""

from __future__ import annotations

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
