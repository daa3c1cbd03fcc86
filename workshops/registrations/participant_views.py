"""/mes-inscriptions (a person's registrations, reached through a link by mail) and the
personal calendar feed /mon-calendrier/<token>.ics."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

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

from ..calendar.feeds import Feed, calendar_bytes
from ..calendar.ical import CalendarMeta
from ..calendar.views import feed_links, send_feed
from ..dates import utcnow
from ..extensions import db
from ..models import Participant, RegistrationStatus
from ..security import private_page, secret_url
from . import participants
from .forms import SignInRequestForm
from .notices import event_url
from .service import cancel_registration, count_attempt, too_many_message

bp = Blueprint("participants", __name__)

#: Session key: {"id": participant id, "token": their session token, "until": ISO time}.
SESSION_KEY = "participant"


class ActionForm(FlaskForm):
    """A button that changes something: a POST with this form's CSRF token."""


def current_participant(now: datetime | None = None) -> Participant | None:
    """The signed-in participant; None when signed out, expired, signed out elsewhere, or
    their data deleted (an id alone is not enough: ids are reused)."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        until = datetime.fromisoformat(data["until"])
        participant_id = int(data["id"])
        token = str(data["token"])
    except (KeyError, TypeError, ValueError):
        return None
    if until <= (now or utcnow()):
        session.pop(SESSION_KEY, None)
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or not hmac.compare_digest(participant.session_token, token):
        session.pop(SESSION_KEY, None)
        return None
    return participant


@bp.get("/mes-inscriptions")
def index() -> str:
    private_page()
    participant = current_participant()
    if participant is None:
        return render_template("participants/request.html", form=SignInRequestForm())
    upcoming, past = participants.my_registrations(participant.email)
    return render_template(
        "participants/index.html",
        participant=participant,
        upcoming=upcoming,
        past=past,
        feed=feed_links(feed_name(), feed_url(participant)),
        form=ActionForm(),
    )


@bp.post("/mes-inscriptions")
def request_link() -> Response | tuple[str, int, dict[str, str]]:
    """Mail a sign-in link; the same answer whether or not the address is known."""
    private_page()
    form = SignInRequestForm()
    config = current_app.config
    window = timedelta(seconds=config["SIGNUP_THROTTLE_WINDOW_SECONDS"])
    wait = count_attempt(request.remote_addr or "unknown", config["SIGNUP_MAX_PER_ADDRESS"], window)
    db.session.commit()
    if wait:
        flash(
            too_many_message(wait),
            "error",
        )
        return (
            render_template("participants/request.html", form=form),
            429,
            {"Retry-After": str(wait)},
        )
    if not form.validate_on_submit():
        return render_template("participants/request.html", form=form), 422, {}
    participants.request_sign_in(
        form.email.data,
        minutes=config["SIGNIN_LINK_MINUTES"],
        max_per_email=config["SIGNIN_MAX_PER_EMAIL"],
        window=window,
    )
    db.session.commit()
    session["signin_email"] = form.email.data
    return redirect(url_for(".link_sent"))


@bp.get("/mes-inscriptions/lien-envoye")
def link_sent() -> str:
    private_page()
    return render_template(
        "participants/sent.html",
        email=session.get("signin_email"),
        minutes=current_app.config["SIGNIN_LINK_MINUTES"],
    )


def _already_signed_in(token: str) -> Response | None:
    """A spent link opened again by the person it signed in (a double click, the back
    button): their list, rather than an error."""
    participant = current_participant()
    if participant is None or participants.sign_in_link_email(token) != participant.email:
        return None
    return redirect(url_for(".index"))


def _invalid_link() -> tuple[str, int]:
    return render_template("participants/invalid_link.html", form=SignInRequestForm()), 404


@bp.get("/mes-inscriptions/connexion/<token>")
@secret_url
def sign_in(token: str) -> str | tuple[str, int]:
    """Show a button: mail scanners open links, and must not spend a single-use one."""
    private_page()
    if participants.valid_sign_in_link(token) is None:
        return _already_signed_in(token) or _invalid_link()
    return render_template("participants/sign_in.html", token=token, form=ActionForm())


@bp.post("/mes-inscriptions/connexion/<token>")
@secret_url
def use_link(token: str) -> Response | tuple[str, int]:
    private_page()
    if not ActionForm().validate_on_submit():
        abort(400)
    participant = participants.use_sign_in_link(token)
    db.session.commit()
    if participant is None:
        return _already_signed_in(token) or _invalid_link()
    hours = current_app.config["PARTICIPANT_SESSION_HOURS"]
    session[SESSION_KEY] = {
        "id": participant.id,
        "token": participant.session_token,
        "until": (utcnow() + timedelta(hours=hours)).isoformat(),
    }
    return redirect(url_for(".index"))


def _signed_in() -> Participant:
    """The participant, for an action; a signed-out visitor goes back to the form."""
    participant = current_participant()
    if participant is None:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    return participant


@bp.post("/mes-inscriptions/<int:registration_id>/annuler")
def cancel(registration_id: int) -> Response:
    private_page()
    participant = _signed_in()
    registration = participants.owned_registration(participant.email, registration_id)
    if registration is None:
        abort(404)
    title = registration.event.title
    had_seat = registration.status == RegistrationStatus.CONFIRMED
    if registration.event.is_past():
        flash("Cette session est passée : l’inscription ne peut plus être annulée.", "error")
    elif cancel_registration(registration, by="participant"):
        what = "Votre inscription" if had_seat else "Votre place sur la liste d’attente"
        flash(f"{what} à « {title} » est annulée. Un courriel vous le confirme.", "success")
    db.session.commit()
    return redirect(url_for(".index"))


@bp.post("/mes-inscriptions/calendrier")
def new_feed() -> Response:
    """A new address for the personal calendar; the old one stops working at once."""
    private_page()
    participant = _signed_in()
    participants.new_feed_token(participant)
    db.session.commit()
    flash(
        "Votre calendrier a une nouvelle adresse : l’ancienne ne fonctionne plus. "
        "Abonnez votre agenda à la nouvelle.",
        "success",
    )
    return redirect(url_for(".index", _anchor="calendrier"))


@bp.post("/mes-inscriptions/deconnexion")
def sign_out() -> Response:
    """End this session and every copy of it (another browser, a stolen cookie)."""
    private_page()
    participant = current_participant()
    if participant is not None:
        participants.end_sessions(participant)
        db.session.commit()
    session.pop(SESSION_KEY, None)
    flash("Vous avez quitté votre espace, sur cet appareil comme sur les autres.", "success")
    return redirect(url_for(".index"))


def feed_url(participant: Participant) -> str:
    token = participants.feed_token(participant)
    return url_for("participants.feed", token=token, _external=True)


def feed_name() -> str:
    return f"Mes inscriptions, {current_app.config['SERVICE_NAME']}"


@bp.get("/mon-calendrier/<token>.ics")
@secret_url
def feed(token: str) -> Response:
    """The sessions where the person holds a seat, for their agenda to subscribe to."""
    participant = participants.participant_for_feed(token)
    if participant is None:
        return Response(
            "Ce calendrier n’existe pas ou son adresse a été renouvelée.\n",
            status=404,
            mimetype="text/plain",
        )
    config = current_app.config
    meta = CalendarMeta(
        name=feed_name(),
        description="Les sessions où une place vous est réservée.",
        refresh=timedelta(minutes=config["CALENDAR_REFRESH_MINUTES"]),
    )
    events = participants.feed_events(participant.email)
    response = send_feed(
        Feed(calendar_bytes(events, meta, event_url), "mes-inscriptions.ics", None)
    )
    response.cache_control.private = True
    return response
