"""French error pages in the site layout."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from .extensions import db
from .locking import is_database_busy
from .security import too_large_message

#: Seconds a client is told to wait after the database was too busy to answer.
BUSY_RETRY_AFTER_SECONDS = 5

MESSAGES = {
    400: ("Requête invalide", "La requête envoyée n’a pas pu être comprise."),
    403: ("Accès refusé", "Vous n’avez pas les droits nécessaires pour accéder à cette page."),
    404: (
        "Page non trouvée",
        "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.",
    ),
    405: ("Méthode non autorisée", "Cette adresse ne peut pas être utilisée de cette façon."),
    409: (
        "Modification concurrente",
        "Une autre modification a été enregistrée au même moment : rien n’a été enregistré. "
        "Revenez à la page précédente, rechargez-la et recommencez.",
    ),
    413: ("Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée."),
    422: ("Données refusées", "Les données envoyées ne peuvent pas être enregistrées."),
    429: ("Trop de tentatives", "Vous avez fait trop de tentatives. Patientez puis réessayez."),
    500: (
        "Erreur inattendue",
        "Désolé, le service rencontre un problème. Nous y travaillons pour le résoudre "
        "le plus rapidement possible. Réessayez dans quelques instants.",
    ),
    503: ("Service indisponible", "Le service est momentanément indisponible."),
}


def render_error(code: int, detail: str | None = None, back: str | None = None) -> tuple[str, int]:
    """The error page; `back`: a link to the page the person came from."""
    title, message = MESSAGES.get(code, (f"Erreur {code}", "Une erreur est survenue."))
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message, back=back
    ), code


def same_site_referrer() -> str | None:
    """The page of this site the request came from (a refused upload's form), if any."""
    referrer = request.referrer or ""
    return referrer if referrer.startswith(request.host_url) else None


#: SQLite's extended result codes for a duplicate value (Python >= 3.11 exposes them).
SQLITE_UNIQUE_ERRORS = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}
#: PostgreSQL's SQLSTATE for unique_violation.
POSTGRESQL_UNIQUE_VIOLATION = "23505"


def is_unique_violation(error: IntegrityError) -> bool:
    """True when the database refused a duplicate value, on SQLite or PostgreSQL."""
    original = error.orig
    if getattr(original, "sqlite_errorname", None) in SQLITE_UNIQUE_ERRORS:
        return True
    return getattr(original, "sqlstate", None) == POSTGRESQL_UNIQUE_VIOLATION


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            "Le formulaire a expiré ou ne provient pas de ce site. "
            "Rechargez la page et envoyez-le à nouveau.",
        )

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError) -> tuple[str, int]:
        # A unique value taken by a concurrent request between our check and our write
        # (two drafts with the same title at once) is a conflict the person can retry: 409.
        # Any other constraint failure is our bug: a logged 500. Both roll back whole.
        db.session.rollback()
        if is_unique_violation(error):
            app.logger.warning("unique violation: %s", error.orig)
            return render_error(409)
        app.logger.error("integrity error", exc_info=error)
        return render_error(InternalServerError.code)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(ObjectDeletedError)
    def row_gone(error: StaleDataError | ObjectDeletedError) -> tuple[str, int]:
        # A row this request loaded was deleted (or changed under it) by a concurrent
        # request before our write: someone else was faster, the person can reload and
        # retry. Everything is rolled back.
        db.session.rollback()
        app.logger.warning("row changed or deleted concurrently: %s", error)
        return render_error(409)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError) -> Response | tuple[str, int]:
        if not is_database_busy(error):
            return unexpected_error(error)
        # Another request held the write lock longer than the busy timeout: nothing was
        # written (the transaction is rolled back whole); the client may simply retry.
        db.session.rollback()
        app.logger.warning("database busy: %s", error.orig)
        response = make_response(
            render_error(
                503,
                "Le service est très sollicité en ce moment : rien n’a été enregistré. "
                "Réessayez dans quelques secondes.",
            )
        )
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        # Werkzeug's descriptions are English: show ours, but keep the headers the status
        # needs (Allow on 405, Retry-After on 429 and 503, WWW-Authenticate on 401).
        if code == RequestEntityTooLarge.code:
            response = make_response(
                render_error(code, too_large_message(), back=same_site_referrer())
            )
        else:
            response = make_response(render_error(code))
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=error)
        return render_error(InternalServerError.code)
