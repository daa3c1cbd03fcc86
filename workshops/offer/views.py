"""The landing page, and its editor for admins."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..catalogue.queries import next_events
from ..extensions import db
from ..forms import render_form
from ..models import UserRole
from ..permissions import role_required
from ..text import render_markdown
from .content import get_offer_page, save_offer_page
from .forms import OfferPageForm

bp = Blueprint("offer", __name__)


@bp.get("/")
def index() -> str:
    """The transverse offer, the next three sessions and how to ask for help."""
    page = get_offer_page()
    body, headings = render_markdown(page.body, anchors=True)
    return render_template(
        "offer/index.html",
        page=page,
        body=body,
        headings=headings,
        events=next_events(limit=3),
        contact=contact_settings(),
    )


def contact_settings() -> dict[str, str]:
    config = current_app.config
    return {
        "name": config["CONTACT_NAME"],
        "role": config["CONTACT_ROLE"],
        "email": config["CONTACT_EMAIL"],
        "mattermost_url": config["CONTACT_MATTERMOST_URL"],
        "linkedin_url": config["CONTACT_LINKEDIN_URL"],
    }


@bp.route("/organisation/page-offre", methods=["GET", "POST"])
@role_required(UserRole.ADMIN)
def edit() -> str | tuple[str, int]:
    """Edit the offer page's Markdown, with a server-side preview before saving."""
    page = get_offer_page()
    form = OfferPageForm(obj=page)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            body, _ = render_markdown(form.body.data, anchors=True)
            preview = {"title": form.title.data, "lead": form.lead.data, "body": body}
        else:
            save_offer_page(form.title.data, form.lead.data, form.body.data, current_user)
            db.session.commit()
            flash("La page d’accueil a été mise à jour.", "success")
            return redirect(url_for("offer.edit"))
    return render_form("offer/edit.html", form, page=page, preview=preview)


@bp.get("/accessibilite")
def accessibility() -> str:
    """The accessibility statement every French public site must link from its footer."""
    return render_template("offer/accessibility.html", contact=contact_settings())


@bp.get("/mentions-legales")
def legal_notice() -> str:
    """Who publishes and hosts the service."""
    return render_template("offer/legal_notice.html", contact=contact_settings())


@bp.get("/donnees-personnelles")
def personal_data() -> str:
    """What personal data the service keeps, why, for how long, who sees it, and rights."""
    return render_template("offer/personal_data.html", contact=contact_settings())
