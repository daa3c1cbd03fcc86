"""Configuration, health probes, error pages, migrations, the init command, assets."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError, StatementError

from workshops import MIGRATIONS_DIR, create_app
from workshops.dates import PARIS, utcnow
from workshops.errors import render_error
from workshops.extensions import db
from workshops.models import Event, Registration, Theme, User


def test_app_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})


def test_environment_overrides_instance_config(monkeypatch):
    monkeypatch.setenv("WORKSHOPS_SECRET_KEY", "from-env")
    monkeypatch.setenv("WORKSHOPS_CONTACT_NAME", "Jeanne Data")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example.org:5432/ateliers")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["CONTACT_NAME"] == "Jeanne Data"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u:p@db.example.org:5432/ateliers"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_busy_timeout_comes_from_the_app_config(make_app, tmp_path):
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=1234)
    with app.app_context():
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 1234
    # The pragmas belong to the app's engine: a foreign SQLite connection is left alone.
    other = create_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with other.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() != "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 0
    other.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_healthz_answers_without_the_database(make_app):
    app = make_app(
        create_tables=False,
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/nowhere?connect_timeout=1",
    )
    client = app.test_client()
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert "indisponible" in ready.text


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert (response.status_code, response.text) == (200, "ok")


def test_404_is_a_french_page_in_the_layout(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page non trouvée" in response.text
    assert 'class="fr-header"' in response.text


def test_500_rolls_back_and_shows_a_french_page(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        db.session.add(Theme(name="Fantôme", slug="fantome"))
        db.session.flush()
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Erreur inattendue" in response.text
    with app.app_context():
        assert db.session.execute(db.select(Theme)).first() is None


def test_naive_datetimes_are_refused_by_the_database_layer(app, create_user):
    user = create_user()
    event = Event(
        kind="workshop",
        title="t",
        slug="t",
        starts_at=datetime(2030, 1, 1, 14),
        ends_at=datetime(2030, 1, 1, 16),
        created_by=user,
    )
    db.session.add(event)
    with pytest.raises(StatementError, match=r"\) naive datetime given to a UTCDateTime column\n"):
        db.session.flush()


def test_database_refuses_an_event_ending_before_it_starts(app):
    start = utcnow()
    db.session.add(
        Event(
            kind="workshop",
            title="t",
            slug="t",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_datetimes_come_back_aware_in_utc(app, create_event, server_in_new_york):
    event = create_event(starts_at=datetime(2031, 6, 3, 12, tzinfo=UTC))
    db.session.expire_all()
    loaded = db.session.get(Event, event.id)
    assert loaded.starts_at.utcoffset() == timedelta(0)
    assert (loaded.starts_at.hour, loaded.starts_at) == (12, event.starts_at)


def test_migrations_upgrade_from_empty_and_match_the_models(make_app):
    app = make_app(create_tables=False)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "users",
            "events",
            "themes",
            "event_themes",
            "event_organizers",
            "pages",
            "throttle_hits",
            "alembic_version",
        } <= tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []


def test_migration_history_is_linear_and_reversible(make_app):
    """One head, and every revision goes down and up again: a deploy can roll back."""
    app = make_app(create_tables=False)
    runner = app.test_cli_runner()
    config = AlembicConfig()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
    for command in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, f"{command}: {result.output}"
    with app.app_context():
        assert "events" in inspect(db.engine).get_table_names()
        runner.invoke(args=["db", "downgrade", "base"])
        db.engine.dispose()
        assert inspect(db.engine).get_table_names() == ["alembic_version"]


def test_init_loads_demo_data_once_and_prints_the_login(make_app):
    app = make_app(create_tables=False)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Données de démonstration chargées." in first.output
    assert "http://127.0.0.1:5000" in first.output
    assert "organisatrice.demo@example.org" in first.output
    outbox_folder = Path(app.instance_path) / "outbox"
    assert (
        f"Courriels : écrits en fichiers .eml dans {outbox_folder}, pas envoyés (réglez "
        'MAIL_BACKEND = "smtp" pour les envoyer).'
    ) in first.output
    login_file = Path(app.instance_path) / "demo-login.txt"
    assert oct(login_file.stat().st_mode & 0o777) == "0o600"
    with app.app_context():
        count = db.session.execute(db.select(db.func.count(Event.id))).scalar_one()
        assert count >= 10
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "Données de démonstration chargées." not in second.output
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Event.id))).scalar_one() == count
        assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 2
        # The demo shows seats and a waiting list; nothing counted twice on a second init.
        statuses = dict(
            db.session.execute(
                db.select(Registration.status, db.func.count()).group_by(Registration.status)
            ).all()
        )
        assert statuses == {"confirmed": 22, "waitlisted": 2}


def test_demo_login_works(make_app):
    app = make_app(create_tables=False)
    app.test_cli_runner().invoke(args=["init"])
    email, password = (Path(app.instance_path) / "demo-login.txt").read_text().split()
    response = app.test_client().post(
        "/organisation/connexion", data={"email": email, "password": password}
    )
    assert response.status_code == 302


def test_dsfr_assets_are_served_from_node_modules(client):
    with client.get("/dsfr/dsfr.min.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
    with client.get("/dsfr/dsfr.module.min.js") as response:
        assert response.status_code == 200
    assert client.get("/dsfr/../package.json").status_code == 404
    assert client.get("/dsfr/dsfr.min.css.map").status_code == 404


def test_every_page_uses_the_dsfr_layout(client, create_event):
    event = create_event()
    for url in (
        "/",
        "/ateliers",
        "/ateliers/passes",
        f"/ateliers/{event.slug}",
        "/organisation/connexion",
        "/accessibilite",
    ):
        html = client.get(url).text
        assert '<html lang="fr">' in html, url
        assert 'class="fr-skiplinks"' in html, url
        assert "République<br>Française" in html, url
        assert 'id="contenu"' in html, url
        assert 'class="fr-footer"' in html, url
        assert "<script>" not in html, url  # no inline scripts: DSFR JS is loaded as files


def test_search_text_migration_backfills_existing_events(make_app):
    """Events created before the search column get it filled by the migration."""
    app = make_app(create_tables=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "b3e70074d072"]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO themes (id, name, slug) VALUES (1, 'Visualisation', 'v')")
            )
            connection.execute(
                text(
                    "INSERT INTO events (id, uid, kind, title, slug, summary, description,"
                    " starts_at, ends_at, status, created_at, updated_at, sequence)"
                    " VALUES (1, 'u', 'workshop', 'Données ouvertes', 's', 'Résumé', '',"
                    " :start, :end, 'published', :start, :start, 0)"
                ),
                {"start": datetime(2030, 1, 1, 13), "end": datetime(2030, 1, 1, 15)},
            )
            connection.execute(text("INSERT INTO event_themes VALUES (1, 1)"))
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Event, 1).search_text == "donnees ouvertes resume visualisation"


def test_session_token_migration_gives_existing_accounts_distinct_tokens(make_app):
    app = make_app(create_tables=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "2f8dc094f3f2"]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as connection:
            for n in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO users (id, email, name, password_hash, role, active,"
                        " created_at) VALUES (:id, :email, 'N', 'h', 'organizer', true, :now)"
                    ),
                    {"id": n, "email": f"u{n}@example.org", "now": datetime(2030, 1, 1)},
                )
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tokens = {user.session_token for user in db.session.execute(db.select(User)).scalars()}
        assert len(tokens) == 2
        assert all(len(token) >= 32 for token in tokens)


def test_an_error_without_its_own_text_still_gets_a_french_page(app):
    with app.test_request_context("/"):
        html, status = render_error(418)
    assert status == 418
    assert '<p class="fr-text--sm fr-mb-3w">Erreur 418</p>' in html
    assert '<p class="fr-text--lead fr-mb-3w">Une erreur est survenue.</p>' in html


def test_a_session_is_past_from_its_exact_end(create_event):
    event = create_event("Atelier SQL")
    assert event.is_past(now=event.ends_at) is True
    assert event.is_past(now=event.ends_at - timedelta(microseconds=1)) is False


def test_an_instant_given_in_another_zone_is_stored_as_that_instant(app, create_event):
    event = create_event(starts_at=datetime(2031, 6, 3, 14, tzinfo=PARIS))
    db.session.expire_all()
    loaded = db.session.get(Event, event.id)
    assert loaded.starts_at == datetime(2031, 6, 3, 12, tzinfo=UTC)
    assert loaded.starts_at.hour == 12
