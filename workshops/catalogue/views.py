"""Public catalogue pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..calendar.feeds import feed_params
from ..calendar.views import agenda_links
from ..dates import french_month
from ..events.visibility import event_for_viewer, is_public
from ..materials.access import shown
from ..materials.service import event_materials
from ..materials.viewer import current_viewer
from ..models import Event, EventStatus
from ..registrations.forms import sign_up_context
from ..security import private_page
from ..text import render_markdown
from ..urls import paginate_or_404
from .forms import FILTER_PARAMS, FilterForm
from .queries import count_upcoming, past_events, themes_in_use, upcoming_events

bp = Blueprint("catalogue", __name__, url_prefix="/ateliers")


@bp.get("")
def index() -> tuple[str, int]:
    """Upcoming sessions with filters; an invalid filter is reported and ignored (400)."""
    form = FilterForm(request.args)
    form.set_themes(themes_in_use())
    valid = form.validate() if request.args else True
    filters = form.to_filters()
    pagination = paginate_or_404(upcoming_events(filters), "CATALOGUE_PER_PAGE")
    pager_args = {key: request.args[key] for key in FILTER_PARAMS if request.args.get(key)}
    counts = count_upcoming(filters)
    return render_template(
        "catalogue/index.html",
        form=form,
        filters=filters,
        active_filters=form.active_labels(),
        pagination=pagination,
        pager_args=pager_args,
        feed_args=feed_params(filters),
        months=by_month(pagination.items),
        scheduled=counts.get(EventStatus.PUBLISHED, 0),
        cancelled=counts.get(EventStatus.CANCELLED, 0),
    ), (200 if valid else 400)


def by_month(events: list[Event]) -> list[tuple[str, list[Event]]]:
    """Consecutive events grouped under their Paris month, e.g. ("Décembre 2026", [...])."""
    groups: list[tuple[str, list[Event]]] = []
    for event in events:
        month = french_month(event.starts_at)
        month = month[:1].upper() + month[1:]
        if not groups or groups[-1][0] != month:
            groups.append((month, []))
        groups[-1][1].append(event)
    return groups


@bp.get("/passes")
def past() -> str:
    """The archive of past sessions, most recent first."""
    pagination = paginate_or_404(past_events(), "CATALOGUE_PER_PAGE")
    return render_template("catalogue/past.html", pagination=pagination)


@bp.get("/<slug>")
def detail(slug: str) -> str:
    """One session. Drafts answer 404 except to organizers, who see a banner."""
    event = event_for_viewer(slug, current_user)
    if event is None:
        abort(404)
    if not is_public(event):
        private_page()  # a draft, seen by an organizer
    return detail_page(event)


def detail_page(event: Event, **context: object) -> str:
    """The session page; the sign-up view renders it again with its form and errors."""
    description, _ = render_markdown(event.description)
    agenda = agenda_links(event) if is_public(event) and not event.is_past() else None
    values = {
        **sign_up_context(event),
        "materials": shown(event_materials(event), current_viewer()),
        **context,
    }
    return render_template(
        "catalogue/detail.html", event=event, description=description, agenda=agenda, **values
    )
