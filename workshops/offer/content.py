"""The offer page's content: Markdown in the database, with the seed text as default."""

from __future__ import annotations

from pathlib import Path

from ..dates import utcnow
from ..extensions import db
from ..models import Page, User

OFFER_KEY = "offre"
DEFAULT_TITLE = "Aide transverse Data Science"
DEFAULT_LEAD = (
    "Un data scientist transverse accompagne les startups d’État de beta.gouv pour définir, "
    "mettre en œuvre, mesurer et améliorer leurs cas d’usage data, et anime des ateliers "
    "collectifs et des sessions de la communauté data."
)


def default_body() -> str:
    return (Path(__file__).parent / "default_offer.md").read_text(encoding="utf-8")


def get_offer_page() -> Page:
    """The stored page, or the default built from the seed (not saved: reading never writes)."""
    page = db.session.execute(db.select(Page).filter_by(key=OFFER_KEY)).scalar_one_or_none()
    if page is None:
        page = Page(key=OFFER_KEY, title=DEFAULT_TITLE, lead=DEFAULT_LEAD, body=default_body())
    return page


def save_offer_page(title: str, lead: str, body: str, author: User) -> Page:
    """Store new content for the offer page (created on the first save)."""
    page = db.session.execute(db.select(Page).filter_by(key=OFFER_KEY)).scalar_one_or_none()
    if page is None:
        page = Page(key=OFFER_KEY)
        db.session.add(page)
    page.title = title.strip()
    page.lead = lead.strip()
    page.body = body.strip() + "\n"
    page.updated_at = utcnow()
    page.updated_by = author
    db.session.flush()
    return page
