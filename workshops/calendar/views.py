"""Calendar routes: the feeds' bytes, one event's download, and the page that explains them."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from ..events.visibility import event_for_viewer
from ..models import Event
from . import ical
from .feeds import (
    Feed,
    FeedFilterError,
    calendar_event,
    event_feed,
    feed_filter_form,
    feed_name,
    feed_params,
    feed_themes,
    parse_feed_filters,
    past_window,
    public_feed,
    repeated_param,
)

bp = Blueprint("calendar", __name__)


def _meta(name: str) -> ical.CalendarMeta:
    """A feed's own properties (a single event's file has none: see ical.CalendarMeta)."""
    config = current_app.config
    return ical.CalendarMeta(
        name=name,
        description=f"{config['SERVICE_TAGLINE']} : ateliers collectifs et sessions communauté.",
        refresh=timedelta(minutes=config["CALENDAR_REFRESH_MINUTES"]),
    )


def _event_url(event: Event) -> str:
    return url_for("catalogue.detail", slug=event.slug, _external=True)


def agenda_links(event: Event) -> dict[str, str]:
    """ "Ajouter à mon agenda" on an event's page: the .ics, Google Agenda and Outlook."""
    shown = calendar_event(event, _event_url(event))
    return {
        "ics": url_for("calendar.event", slug=event.slug),
        "google": ical.google_event_link(shown),
        "outlook": ical.outlook_event_link(shown),
    }


def send_feed(feed: Feed) -> Response:
    """The bytes with their validators; 304 when the client's copy is current."""
    response = Response(feed.body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{feed.filename}"'
    response.set_etag(feed.etag)
    if feed.last_modified is not None:
        response.last_modified = feed.last_modified
    # Calendars may keep a copy but must ask again each time (a cancellation must show).
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.get("/calendrier.ics")
def feed() -> Response:
    """Every public session, or those of one type, theme or format; 400 on an unknown value."""
    themes = feed_themes()
    try:
        filters = parse_feed_filters(request.args, themes)
    except FeedFilterError as error:
        return Response(f"{error}\n", status=400, mimetype="text/plain")
    name = feed_name(current_app.config["SERVICE_NAME"], filters, themes)
    window = past_window(current_app.config["CALENDAR_PAST_MONTHS"])
    return send_feed(public_feed(filters, _meta(name), _event_url, window))


@bp.get("/ateliers/<slug>.ics")
def event(slug: str) -> Response:
    """One public session to add to a calendar; drafts are never in a calendar (404)."""
    found = event_for_viewer(slug, None)  # no viewer: the public's view, whoever asks
    if found is None:
        abort(404)
    return send_feed(event_feed(found, ical.CalendarMeta(), _event_url))


@bp.get("/calendrier")
def page() -> tuple[str, int]:
    """How to subscribe, with the feed's address, and a builder for a filtered feed."""
    themes = feed_themes()
    form = feed_filter_form(request.args, themes)
    repeated = repeated_param(request.args)
    valid = (form.validate() if request.args else True) and repeated is None
    filters = form.to_filters()
    service_name = current_app.config["SERVICE_NAME"]
    return render_template(
        "calendar/page.html",
        form=form,
        repeated=repeated,
        everything=subscription(service_name, {}),
        chosen=subscription(feed_name(service_name, filters, themes), feed_params(filters))
        if filters.active and repeated is None
        else None,
    ), (200 if valid else 400)


def subscription(name: str, params: dict[str, str]) -> dict[str, str]:
    """The ways to subscribe to one feed, for the page."""
    return feed_links(name, url_for("calendar.feed", **params, _external=True))


def feed_links(name: str, url: str) -> dict[str, str]:
    """A feed's address and the links that subscribe an agenda to it."""
    return {
        "name": name,
        "url": url,
        "webcal": ical.webcal_link(url),
        "google": ical.google_subscription_link(url),
        "outlook": ical.outlook_subscription_link(url, name),
    }
