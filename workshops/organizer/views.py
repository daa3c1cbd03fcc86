"""Back office under /organisation/: login, events, accounts.

Views stay thin: they parse the form, call a domain function (events.lifecycle,
accounts.users, accounts.login), commit once, and redirect (PRG).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..accounts import users as accounts
from ..accounts.login import LoginError, LoginThrottled, authenticate, is_safe_next
from ..events import lifecycle as events
from ..events.visibility import EventAction, allowed_actions
from ..extensions import db
from ..forms import render_form
from ..materials.service import event_materials, file_keys_of, files_transaction
from ..models import Event, User, UserRole
from ..permissions import role_required
from ..text import render_markdown
from ..urls import paginate_or_404
from .forms import CancelForm, EventForm, LoginForm, NewUserForm, UserForm
from .queries import BACKOFFICE_VIEWS, backoffice_events

bp = Blueprint("organizer", __name__, url_prefix="/organisation")

Page = str | tuple[str, int] | tuple[str, int, dict[str, str]] | Response


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> Page:
    """Log in; `next` is honoured only when it is a local path."""
    next_url = request.values.get("next")
    if not is_safe_next(next_url):
        next_url = None
    if current_user.is_authenticated:
        return redirect(next_url or url_for("organizer.dashboard"))
    form = LoginForm()
    status = 200
    error = None
    headers: dict[str, str] = {}
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = authenticate(
                form.email.data,
                form.password.data,
                request.remote_addr or "unknown",
                max_failures_per_account_and_address=config[
                    "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"
                ],
                max_failures_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                window=timedelta(seconds=config["LOGIN_THROTTLE_WINDOW_SECONDS"]),
            )
        except LoginThrottled as throttled:
            error, status = str(throttled), 429
            headers["Retry-After"] = str(throttled.wait)
        except LoginError:
            db.session.commit()  # keep the failure count
            error, status = "Adresse électronique ou mot de passe incorrect.", 401
        else:
            db.session.commit()
            # A new session: nothing planted in the cookie before login survives it.
            session.clear()
            login_user(user)
            flash(f"Bonjour {user.name}, vous êtes connecté·e.", "success")
            return redirect(next_url or url_for("organizer.dashboard"))
    elif form.errors:
        status = 422
    page = render_template("organizer/login.html", form=form, error=error, next=next_url)
    return page, status, headers


@bp.post("/deconnexion")
def logout() -> Response:
    """Log out (POST only, so that a link on another site cannot log you out).

    The account's session token changes, so copies of the cookie stop working too (this
    ends the account's sessions on other devices as well)."""
    if current_user.is_authenticated:
        current_user.rotate_session_token()
        db.session.commit()
    logout_user()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("offer.index"))


@bp.get("/")
@role_required()
def dashboard() -> str:
    """All events for organizers, by view: upcoming, drafts, cancelled, past, all."""
    view = request.args.get("vue", "a-venir")
    if view not in BACKOFFICE_VIEWS:
        abort(404)
    pagination = paginate_or_404(backoffice_events(view), "BACKOFFICE_PER_PAGE")
    return render_template(
        "organizer/dashboard.html", pagination=pagination, view=view, views=BACKOFFICE_VIEWS
    )


def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm()
    form.set_organizer_choices(accounts.selectable_organizers(event.organizers if event else []))
    if event is not None and request.method == "GET":
        form.fill_from(events.EventData.from_event(event))
    return form


@bp.route("/sessions/nouvelle", methods=["GET", "POST"])
@role_required()
def create() -> Page:
    """Create a draft."""
    form = _event_form()
    if request.method == "GET":
        form.organizers.data = [current_user.id]
    if form.validate_on_submit():
        event = events.create_event(form.to_data(), current_user)
        db.session.commit()
        flash("Le brouillon a été enregistré. Publiez-le quand il est prêt.", "success")
        return redirect(url_for("organizer.edit", event_id=event.id))
    return render_form("organizer/event_form.html", form, event=None, actions=frozenset())


@bp.route("/sessions/<int:event_id>/modifier", methods=["GET", "POST"])
@role_required()
def edit(event_id: int) -> Page:
    """Edit an event; published ones keep their address."""
    event = _event_or_404(event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            changed = events.update_event(event, form.to_data())
        except events.EventError as error:
            db.session.rollback()
            if error.field is None:
                flash(str(error), "error")
                return redirect(url_for("organizer.edit", event_id=event_id))
            # About one field: shown next to it, with everything else typed kept.
            getattr(form, error.field).errors.append(str(error))
            return render_form(
                "organizer/event_form.html", form, event=event, actions=allowed_actions(event)
            )
        if request.form.get("publier"):
            return _save_and_publish(event, changed)
        db.session.commit()
        flash(
            "Les modifications ont été enregistrées." if changed else "Aucune modification.",
            "success" if changed else "info",
        )
        return redirect(url_for("organizer.edit", event_id=event.id))
    return render_form(
        "organizer/event_form.html", form, event=event, actions=allowed_actions(event)
    )


def _save_and_publish(event: Event, changed: bool) -> Response:
    """ "Enregistrer et publier": the edits are kept even when publishing is refused."""
    try:
        events.publish_event(event)  # checks everything before changing anything
    except events.EventError as error:
        db.session.commit()
        refusal = f"la session n’est pas publiée : {error}"
        if changed:
            flash(f"Modifications enregistrées, mais {refusal}", "error")
        else:
            flash(refusal[:1].upper() + refusal[1:], "error")
    else:
        db.session.commit()
        flash(_published("La session est enregistrée et publiée.", event), "success")
    return redirect(url_for("organizer.edit", event_id=event.id))


def _published(message: str, event: Event) -> str:
    """A session published after its end goes straight to the archive: say so, in case the
    year was mistyped."""
    if event.is_past():
        return (
            f"{message} Attention : elle est déjà passée et apparaît donc dans les sessions "
            "passées. Vérifiez ses dates si ce n’est pas voulu."
        )
    return message


@bp.get("/sessions/<int:event_id>/apercu")
@role_required()
def preview(event_id: int) -> str:
    """The public page as it will look, drafts included."""
    event = _event_or_404(event_id)
    description, _ = render_markdown(event.description)
    return render_template(
        "catalogue/detail.html",
        event=event,
        description=description,
        preview=True,
        materials=[(material, True) for material in event_materials(event)],
    )


def _apply(event: Event, operation: Callable[[Event], object], success: str) -> Response:
    """Run a domain operation, commit and say so; on refusal, roll back and say why."""
    try:
        operation(event)
    except events.EventError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("organizer.edit", event_id=event.id))
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("organizer.edit", event_id=event.id))


def _event_or_404(event_id: int) -> Event:
    return db.get_or_404(Event, event_id, description="Session introuvable")


@bp.post("/sessions/<int:event_id>/publier")
@role_required()
def publish(event_id: int) -> Response:
    """Make a draft public."""
    event = _event_or_404(event_id)
    return _apply(event, events.publish_event, _published("La session est publiée.", event))


@bp.post("/sessions/<int:event_id>/depublier")
@role_required()
def unpublish(event_id: int) -> Response:
    """Take a published event back to draft."""
    return _apply(
        _event_or_404(event_id), events.unpublish_event, "La session est repassée en brouillon."
    )


@bp.route("/sessions/<int:event_id>/annuler", methods=["GET", "POST"])
@role_required()
def cancel(event_id: int) -> Page:
    """Cancel a published event with a reason shown publicly."""
    event = _event_or_404(event_id)
    form = CancelForm()
    if form.validate_on_submit():
        return _apply(
            event,
            lambda event: events.cancel_event(event, form.reason.data),
            "La session est annulée. Elle reste visible, marquée comme annulée.",
        )
    return render_form("organizer/cancel.html", form, event=event)


@bp.post("/sessions/<int:event_id>/dupliquer")
@role_required()
def duplicate(event_id: int) -> Response:
    """Copy an event into a new draft (recurring community sessions)."""
    event = _event_or_404(event_id)
    copy = events.duplicate_event(event, current_user)
    db.session.commit()
    flash("Copie créée en brouillon : pensez à modifier la date.", "success")
    return redirect(url_for("organizer.edit", event_id=copy.id))


@bp.route("/sessions/<int:event_id>/supprimer", methods=["GET", "POST"])
@role_required()
def delete(event_id: int) -> Page:
    """Delete a draft that was never published, after a confirmation page (GET)."""
    event = _event_or_404(event_id)
    if request.method == "GET":
        if EventAction.DELETE not in allowed_actions(event):
            flash(events.REFUSALS[EventAction.DELETE], "error")
            return redirect(url_for("organizer.edit", event_id=event.id))
        return render_template("organizer/delete.html", event=event)
    try:
        # Its materials' files go once the deletion is committed.
        with files_transaction() as transaction:
            transaction.old_keys.extend(file_keys_of(event))
            events.delete_event(event)
    except events.EventError as error:
        flash(str(error), "error")
        return redirect(url_for("organizer.edit", event_id=event.id))
    flash("Le brouillon a été supprimé.", "success")
    return redirect(url_for("organizer.dashboard", vue="brouillons"))


@bp.get("/comptes")
@role_required(UserRole.ADMIN)
def users() -> str:
    """Accounts of organizers and admins."""
    return render_template("organizer/users.html", users=accounts.list_users())


@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@role_required(UserRole.ADMIN)
def create_user() -> Page:
    """Create an organizer or admin account."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            accounts.create_user(
                form.email.data, form.name.data, form.role.data, form.password.data
            )
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash("Le compte a été créé.", "success")
            return redirect(url_for("organizer.users"))
    return render_form("organizer/user_form.html", form, user=None)


@bp.route("/comptes/<int:user_id>", methods=["GET", "POST"])
@role_required(UserRole.ADMIN)
def edit_user(user_id: int) -> Page:
    """Change an account's name, role, status or password."""
    user = db.get_or_404(User, user_id, description="Compte introuvable")
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                active=form.active.data,
                password=form.password.data or None,
            )
        except accounts.AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash("Le compte a été mis à jour.", "success")
            return redirect(url_for("organizer.users"))
    return render_form("organizer/user_form.html", form, user=user)
