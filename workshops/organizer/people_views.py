"""Back office for people: who registered to a session (cancel, give a seat by hand,
export), the outbox (what was sent, what waits, what failed), and one person's data on
request (export, delete). Views are thin: the rules live in workshops.registrations and
workshops.mail."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired

from ..dates import utcnow
from ..extensions import db
from ..forms import Form, normalized_email, strip
from ..mail import outbox
from ..models import Event, EventStatus, OutboxMessage, OutboxStatus, Registration
from ..permissions import role_required
from ..registrations import exports, personal_data, service
from ..urls import paginate_or_404

bp = Blueprint("people", __name__, url_prefix="/organisation")

#: Outbox filters: URL value, label, statuses shown.
OUTBOX_VIEWS = {
    "a-envoyer": ("En attente", (OutboxStatus.PENDING,)),
    "echecs": ("En échec", (OutboxStatus.FAILED,)),
    "envoyes": ("Envoyés", (OutboxStatus.SENT,)),
    "tous": ("Tous", tuple(OutboxStatus)),
}


def _event_or_404(event_id: int) -> Event:
    return db.get_or_404(Event, event_id, description="Session introuvable")


def _registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id or registration.anonymized_at:
        abort(404)
    return registration


@bp.get("/sessions/<int:event_id>/inscriptions")
@role_required()
def registrations(event_id: int) -> str:
    event = _event_or_404(event_id)
    return render_template(
        "organizer/registrations.html",
        event=event,
        groups=service.registrations_by_status(event),
        seats_left=service.seats_left(event),
        # Seats are given and taken back only while the session is still to come.
        can_change=event.status == EventStatus.PUBLISHED and event.starts_at > utcnow(),
        closed=service.closed_reason(event),
    )


@bp.post("/sessions/<int:event_id>/inscriptions/<int:registration_id>/annuler")
@role_required()
def cancel_registration(event_id: int, registration_id: int) -> Response:
    """Cancel someone's registration (they are told by mail; the seat goes on)."""
    event = _event_or_404(event_id)
    registration = _registration_or_404(event, registration_id)
    if service.cancel_registration(registration, by="organizer"):
        flash(
            f"L’inscription de {registration.name} est annulée. Un courriel l’en informe.",
            "success",
        )
    db.session.commit()
    return redirect(url_for(".registrations", event_id=event.id))


@bp.post("/sessions/<int:event_id>/inscriptions/<int:registration_id>/place")
@role_required()
def promote(event_id: int, registration_id: int) -> Response:
    """Give a free seat to someone on the waiting list, out of turn."""
    event = _event_or_404(event_id)
    registration = _registration_or_404(event, registration_id)
    try:
        service.promote(registration)
    except service.RegistrationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{registration.name} a maintenant une place. Un courriel l’en informe.", "success")
    return redirect(url_for(".registrations", event_id=event.id))


@bp.get("/sessions/<int:event_id>/inscriptions.csv")
@role_required()
def registrations_csv(event_id: int) -> Response:
    """People registered, for a sign-in sheet or a spreadsheet."""
    event = _event_or_404(event_id)
    response = Response(exports.attendees_csv(event), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="inscriptions-{event.slug}.csv"'
    )
    return response


@bp.get("/courriels")
@role_required()
def mails() -> str:
    view = request.args.get("vue", "a-envoyer")
    if view not in OUTBOX_VIEWS:
        abort(404)
    statuses = OUTBOX_VIEWS[view][1]
    query = (
        db.select(OutboxMessage)
        .where(OutboxMessage.status.in_(statuses))
        .order_by(OutboxMessage.id.desc())
    )
    counts = dict(
        db.session.execute(
            db.select(OutboxMessage.status, db.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "organizer/mails.html",
        view=view,
        views=OUTBOX_VIEWS,
        counts=counts,
        pagination=paginate_or_404(query, "OUTBOX_PER_PAGE"),
    )


@bp.post("/courriels/<int:message_id>/renvoyer")
@role_required()
def retry_mail(message_id: int) -> Response:
    message = db.get_or_404(OutboxMessage, message_id, description="Courriel introuvable")
    if message.status == OutboxStatus.SENT:
        flash("Ce courriel est déjà envoyé.", "info")
    else:
        outbox.retry(message)
        flash("Le courriel partira dans un instant.", "success")
    db.session.commit()
    return redirect(url_for(".mails", vue=request.args.get("vue", "a-envoyer")))


class PersonForm(Form):
    email = EmailField(
        "Adresse électronique de la personne",
        filters=[strip],
        validators=[DataRequired("Indiquez l’adresse électronique."), normalized_email],
    )


class ForgetForm(PersonForm):
    confirm = BooleanField(
        "Je confirme la suppression : les inscriptions à venir sont annulées, les données "
        "effacées, et rien ne peut être récupéré.",
        validators=[DataRequired("Cochez la case pour confirmer la suppression.")],
    )


@bp.route("/donnees-personnelles", methods=["GET", "POST"])
@role_required()
def personal_data_page() -> Response | str | tuple[str, int]:
    """Find, export or delete one person's data. The address is posted, never put in a
    URL (URLs end up in logs)."""
    form = PersonForm()
    forget = ForgetForm()
    action = request.form.get("action")
    if request.method == "GET" or not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template(
            "organizer/personal_data.html", form=form, forget=forget, found=None
        ), status
    email = form.email.data
    if action == "exporter":
        data = json.dumps(personal_data.export_person(email), ensure_ascii=False, indent=2)
        response = Response(data, mimetype="application/json")
        response.headers["Content-Disposition"] = 'attachment; filename="donnees-personnelles.json"'
        return response
    if action == "supprimer":
        if not forget.validate_on_submit():
            found = personal_data.person_registrations(email)
            return render_template(
                "organizer/personal_data.html", form=form, forget=forget, found=found
            ), 422
        count = personal_data.forget_person(email)
        db.session.commit()
        if count:
            flash(
                f"Les données de {email} sont supprimées ({count} inscription(s) anonymisée(s)).",
                "success",
            )
        else:
            flash(f"Aucune inscription n’est enregistrée pour {email} : rien à supprimer.", "info")
        return redirect(url_for(".personal_data_page"))
    forget.email.data = email
    return render_template(
        "organizer/personal_data.html",
        form=form,
        forget=forget,
        found=personal_data.person_registrations(email),
    )
