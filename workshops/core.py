"""Routes that belong to no feature: health probes and the DSFR assets."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers. Never touches the database, so a database outage
    does not make the orchestrator kill every worker."""
    return Response("ok", mimetype="text/plain")


@bp.get("/readyz")
def readyz() -> Response | tuple[Response, int]:
    """Readiness: the database answers, so the load balancer may send traffic here."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("readiness check failed")
        return Response("base de données indisponible", mimetype="text/plain"), 503
    return Response("ok", mimetype="text/plain")


@bp.get("/dsfr/<path:filename>")
def dsfr_asset(filename: str) -> Response:
    """Serve the DSFR's dist/ folder installed by npm (never committed)."""
    if ".map" in filename:  # also "x.js.map/", which send_from_directory would serve
        abort(404)
    return send_from_directory(current_app.config["DSFR_DIST"], filename, max_age=60 * 60 * 24)
