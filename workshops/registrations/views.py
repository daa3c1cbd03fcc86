"""Signing up from a session's page, and the secret page that manages a registration."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm

from ..catalogue.views import detail_page
from ..events.visibility import event_for_viewer
from ..extensions import db
from ..materials.access import shown
from ..materials.service import event_materials
from ..materials.viewer import current_viewer, remember_registration
from ..models import Event, EventStatus, Registration, RegistrationStatus
from ..security import private_page, secret_url
from .forms import SignUpForm, sign_up_context
from .service import (
    RegistrationError,
    cancel_registration,
    count_attempt,
    count_mail_to,
    registration_for_token,
    sign_up,
    too_many_message,
    waitlist_position,
)

bp = Blueprint("registrations", __name__)


def _public_event(slug: str) -> Event:
    event = event_for_viewer(slug, None)
    if event is None:
        abort(404)
    return event


@bp.post("/ateliers/<slug>/inscription")
def sign_up_view(slug: str) -> Response | tuple[str, int, dict[str, str]]:
    """Sign up; the answer never says whether the address was registered already."""
    event = _public_event(slug)
    form = SignUpForm()
    config = current_app.config
    wait = count_attempt(
        request.remote_addr or "unknown",
        config["SIGNUP_MAX_PER_ADDRESS"],
        timedelta(seconds=config["SIGNUP_THROTTLE_WINDOW_SECONDS"]),
    )
    db.session.commit()
    if wait:
        page = detail_page(
            event,
            **sign_up_context(event, form),
            signup_error=too_many_message(wait),
        )
        return page, 429, {"Retry-After": str(wait)}
    if not form.validate_on_submit():
        return detail_page(event, **sign_up_context(event, form)), 422, {}
    window = timedelta(seconds=config["SIGNUP_THROTTLE_WINDOW_SECONDS"])
    # A robot, or an address that got enough mail for the hour: the same page, nothing sent.
    if not form.is_robot and not count_mail_to(
        form.email.data, config["SIGNUP_MAX_PER_EMAIL"], window
    ):
        try:
            sign_up(event, form.to_sign_up())
        except RegistrationError as error:
            db.session.rollback()
            return (
                detail_page(event, **sign_up_context(event, form), signup_error=str(error)),
                409,
                {},
            )
        db.session.commit()
    session["signup_email"] = form.email.data
    return redirect(url_for(".sent", slug=event.slug))


@bp.get("/ateliers/<slug>/inscription/envoyee")
def sent(slug: str) -> str:
    """ "Check your mail": the same page for a new, repeated or robot sign-up."""
    event = _public_event(slug)
    private_page()
    return render_template(
        "registrations/sent.html", event=event, email=session.get("signup_email")
    )


def can_cancel(registration: Registration) -> bool:
    """Whether the person may still cancel: an active registration to a session that is
    still to take place (a cancelled one needs nothing from them)."""
    event = registration.event
    return (
        registration.status != RegistrationStatus.CANCELLED
        and event.status == EventStatus.PUBLISHED
        and not event.is_past()
    )


class CancelForm(FlaskForm):
    """Only a POST with this form's CSRF token cancels: mail scanners follow links."""


@bp.get("/inscriptions/<token>")
@secret_url
def manage(token: str) -> str:
    private_page()
    registration = registration_for_token(token)
    if registration is None:
        abort(404)
    event = registration.event
    remember_registration(registration)
    return render_template(
        "registrations/manage.html",
        materials=shown(event_materials(event), current_viewer()),
        registration=registration,
        event=event,
        position=waitlist_position(registration),
        can_cancel=can_cancel(registration),
        form=CancelForm(),
        token=token,
    )


@bp.post("/inscriptions/<token>")
@secret_url
def cancel(token: str) -> Response:
    private_page()
    registration = registration_for_token(token)
    if registration is None:
        abort(404)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    if registration.event.status == EventStatus.CANCELLED:
        flash("Cette session est annulée : rien à annuler de votre côté.", "info")
        return redirect(url_for(".manage", token=token))
    if registration.event.is_past():
        flash("Cette session est passée : l’inscription ne peut plus être annulée.", "error")
        return redirect(url_for(".manage", token=token))
    if cancel_registration(registration, by="participant"):
        flash("Votre inscription est annulée. Un courriel vous le confirme.", "success")
    db.session.commit()
    return redirect(url_for(".manage", token=token))
