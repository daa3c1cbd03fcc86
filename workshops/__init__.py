"""The workshop and community event manager of the beta.gouv Data Science help service."""

from __future__ import annotations

import hmac
import os
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config as default_config
from .extensions import csrf, db, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then WORKSHOPS_* variables, then tests."""
    if test_config is not None:
        instance_path = test_config.get("INSTANCE_PATH")
    else:
        instance_path = os.environ.get("WORKSHOPS_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        # Tests and deployments may put the instance folder elsewhere than ./instance.
        instance_path=instance_path,
        template_folder="../templates",
    )
    load_config(app, test_config)
    from .urls import BoundedIntConverter

    # Before the blueprints: their rules pick their converters when they are added.
    app.url_map.converters["int"] = BoundedIntConverter
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)

    from .security import register_security

    register_security(app)

    from .logs import log_to_stderr_by_default, redact_access_logs

    redact_access_logs()
    log_to_stderr_by_default()

    from .errors import register_error_handlers

    register_error_handlers(app)

    from .cli import register_commands

    register_commands(app)
    return app


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply the configuration layers and fill in what depends on the others."""
    app.config.from_object(default_config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        database_url = default_config.database_url_from_env()
        if database_url:
            app.config["SQLALCHEMY_DATABASE_URI"] = database_url
        app.config.from_prefixed_env("WORKSHOPS")
    else:
        app.config.from_mapping(test_config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = Path(app.instance_path) / "workshops.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000},
        }
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = not app.debug
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set: run `make run` once (it writes instance/config.py) "
            "or set WORKSHOPS_SECRET_KEY."
        )
    if not app.config.get("DSFR_DIST"):
        app.config["DSFR_DIST"] = str(
            Path(app.root_path).parent / "node_modules" / "@gouvfr" / "dsfr" / "dist"
        )


def bind_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    """On this app's SQLite engine only: WAL lets readers work while one writer writes,
    foreign keys are off by default in SQLite, and a writer waits `busy_timeout_ms` for
    the lock instead of failing at once. Other engines (other apps, PostgreSQL) untouched."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        bind_sqlite_pragmas(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(
        app,
        db,
        directory=MIGRATIONS_DIR,
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "organizer.login"
    login_manager.login_message = "Connectez-vous pour accéder à cet espace."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from .models import User

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        """The account of a session: "id:token", where the token is still the account's."""
        user_id, _, token = session_id.partition(":")
        if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10 and token):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not hmac.compare_digest(user.session_token, token):
            return None
        return user


def render_migration_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTCDateTime as plain `sa.DateTime(timezone=True)` in migrations, which must
    not import application code that may change after they are written."""
    from .models import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def register_blueprints(app: Flask) -> None:
    from .calendar.views import bp as calendar_bp
    from .catalogue.views import bp as catalogue_bp
    from .core import bp as core_bp
    from .materials.organizer_views import bp as materials_admin_bp
    from .materials.views import bp as materials_bp
    from .offer.views import bp as offer_bp
    from .organizer.people_views import bp as people_bp
    from .organizer.views import bp as organizer_bp
    from .registrations.participant_views import bp as participants_bp
    from .registrations.views import bp as registrations_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(offer_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(organizer_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(materials_bp)
    app.register_blueprint(materials_admin_bp)


def register_template_helpers(app: Flask) -> None:
    from . import dates

    app.add_template_filter(dates.french_date)
    app.add_template_filter(dates.french_datetime)
    app.add_template_filter(dates.french_duration)
    app.add_template_filter(dates.short_date)
    app.add_template_filter(dates.day_month_year)
    from .materials.formats import FORMATS, format_size

    app.add_template_filter(format_size)
    from .materials.service import count_materials

    app.add_template_global(FORMATS, "material_formats")
    app.add_template_global(count_materials)
    app.add_template_global(dates.french_range)
    app.add_template_filter(lambda text: text[:1].upper() + text[1:], "ucfirst")

    @app.template_global()
    def lang_attr(theme_name: str) -> Markup:
        """' lang="en"' for a theme name in another language (THEME_LANGUAGES), else ''."""
        lang = app.config["THEME_LANGUAGES"].get(theme_name)
        return Markup(' lang="{}"').format(lang) if lang else Markup("")

    @app.context_processor
    def service_settings() -> dict[str, Any]:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "service_tagline": app.config["SERVICE_TAGLINE"],
        }
