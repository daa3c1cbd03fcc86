"""Flask commands: `flask init`, `flask create-user`, and the mail and personal-data
commands meant for cron (`send-mail`, `send-reminders`, `purge-personal-data`) or for a
service manager (`mail-worker`)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db
from .mail.transport import describe as describe_mail
from .models import UserRole

DEMO_LOGIN_FILE = "demo-login.txt"


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(mail_worker_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(purge_personal_data_command)
    app.cli.add_command(materials_group)


#: Where links in mails point when SERVER_NAME is not set (the development server).
LOCAL_BASE_URL = "http://127.0.0.1:5000"


@contextmanager
def links_context() -> Iterator[None]:
    """Mails written by a command carry absolute links: built from SERVER_NAME (and
    PREFERRED_URL_SCHEME) in production, from the local address otherwise."""
    if current_app.config.get("SERVER_NAME"):
        yield
        return
    click.echo(
        f"SERVER_NAME n’est pas défini : les liens des courriels pointent vers {LOCAL_BASE_URL}."
    )
    with current_app.test_request_context(base_url=LOCAL_BASE_URL):
        yield


@click.command("init")
@click.option("--no-demo", is_flag=True, help="Do not load demo content on the first run.")
@with_appcontext
def init_command(no_demo: bool) -> None:
    """Apply migrations; on the very first run, load demo content. Safe to run again."""
    from .demo import is_empty, load_demo
    from .materials.service import files_transaction

    upgrade(directory=current_app.extensions["migrate"].directory)
    login_file = Path(current_app.instance_path) / DEMO_LOGIN_FILE
    if not no_demo and is_empty():
        # The demo's material files are stored before the commit and removed if it fails.
        with links_context(), files_transaction() as transaction:
            email, password = load_demo(transaction)
        login_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(login_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"{email}\n{password}\n")
        click.echo("Données de démonstration chargées.")
    click.echo("Base de données à jour.")
    click.echo(describe_mail(current_app.config, current_app.instance_path))
    click.echo("Le service est disponible sur http://127.0.0.1:5000")
    if login_file.exists():
        email, password = login_file.read_text(encoding="utf-8").split("\n")[:2]
        click.echo("Connexion organisation : http://127.0.0.1:5000/organisation/connexion")
        click.echo(f"  adresse : {email}")
        click.echo(f"  mot de passe : {password}")


@click.command("create-user")
@click.option("--email", prompt="Adresse électronique")
@click.option("--name", prompt="Nom affiché")
@click.option(
    "--role",
    type=click.Choice([role.value for role in UserRole]),
    default=UserRole.ORGANIZER.value,
    show_default=True,
)
@with_appcontext
def create_user_command(email: str, name: str, role: str) -> None:
    """Create an organizer or admin account. The password is prompted, never an argument."""
    from .accounts.passwords import password_problem
    from .accounts.users import AccountError, create_user
    from .addresses import InvalidEmail, normalize_email

    try:
        email = normalize_email(email)
    except InvalidEmail as error:
        raise click.ClickException(str(error)) from None
    password = click.prompt(
        "Mot de passe",
        hide_input=True,
        confirmation_prompt=True,
        value_proc=_acceptable_password(password_problem),
    )
    try:
        user = create_user(email, name, role, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Compte créé : {user.email} ({user.role_label}).")


def _acceptable_password(problem: Callable[[str], str | None]) -> Callable[[str], str]:
    """A click value processor: a refused password is asked again, with the domain's reason."""

    def check(value: str) -> str:
        reason = problem(value)
        if reason:
            raise click.BadParameter(reason)
        return value

    return check


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send every due message of the outbox once (for cron); failures are retried later."""
    from .mail.outbox import deliver_all

    done = deliver_all()
    click.echo(
        f"Courriels envoyés : {done.sent}, en échec (nouvel essai plus tard) : {done.failed}."
    )


@click.command("mail-worker")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    help="Seconds between two looks at the outbox (at least 1).",
)
@with_appcontext
def mail_worker_command(interval: float | None) -> None:
    """Deliver the outbox until stopped (SIGTERM or Ctrl-C end it after the current message).

    Several workers, on several hosts, may run at once: each claims its messages, so that
    none is sent twice (see workshops.mail.outbox).
    """
    from .mail.outbox import deliver_all

    pause = interval if interval is not None else current_app.config["MAIL_WORKER_INTERVAL_SECONDS"]
    stopping = threading.Event()

    def stop(signum: int, _frame: object) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    click.echo(f"Envoi des courriels en continu (toutes les {pause:g} s). Arrêt : Ctrl-C.")
    while not stopping.is_set():
        try:
            done = deliver_all()
        except Exception as error:  # the database is away: try again at the next round
            db.session.rollback()
            click.echo(f"Envoi interrompu, nouvel essai dans {pause:g} s : {error}", err=True)
        else:
            if done.sent or done.failed:
                click.echo(f"Courriels envoyés : {done.sent}, en échec : {done.failed}.")
        db.session.remove()
        stopping.wait(pause)
    click.echo("Arrêt de l’envoi des courriels.")


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Queue the reminder of tomorrow's sessions (cron, once a day or every hour); a
    person is reminded once, however often it runs."""
    from .mail.outbox import deliver_all
    from .registrations.reminders import RECENT, send_reminders

    with links_context():
        count = send_reminders()
    hours = int(RECENT.total_seconds() // 3600)
    click.echo(
        f"Rappels mis en file d’envoi : {count} (les personnes qui ont leur place depuis "
        f"moins de {hours} heures n’en reçoivent pas : leur confirmation est récente)."
    )
    done = deliver_all()
    click.echo(
        f"Courriels envoyés : {done.sent}, en échec (nouvel essai plus tard) : {done.failed}."
    )


@click.command("purge-personal-data")
@click.option(
    "--older-than",
    default=None,
    help="Age of the sessions to anonymize, e.g. 12m (months) or 90d (days); "
    "PERSONAL_DATA_MONTHS by default.",
)
@with_appcontext
def purge_personal_data_command(older_than: str | None) -> None:
    """Anonymize registrations of sessions that ended long ago, keeping the counts."""
    from .dates import utcnow
    from .registrations.personal_data import cutoff, parse_age, purge_personal_data

    if older_than is None:
        older_than = f"{current_app.config['PERSONAL_DATA_MONTHS']}m"
    text = older_than
    try:
        count, unit = parse_age(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--older-than") from None
    now = utcnow()
    done = purge_personal_data(cutoff(count, unit, now), now)
    db.session.commit()
    click.echo(
        f"Inscriptions anonymisées : {done.registrations}. Courriels supprimés : "
        f"{done.messages}. Liens de connexion supprimés : {done.sign_in_links}. "
        f"Personnes sans inscription supprimées : {done.participants}."
    )


@click.group("materials")
def materials_group() -> None:
    """Session materials' storage."""


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number <= 1 else plural}"


@materials_group.command("check")
@click.option(
    "--remove",
    is_flag=True,
    help="Delete orphan files (older than an hour), abandoned temporary files and the "
    "materials whose file is missing.",
)
@with_appcontext
def materials_check_command(remove: bool) -> None:
    """Compare the stored files with the materials; exit 1 when something is left to fix."""
    from .materials.service import check_storage

    report = check_storage(remove=remove)
    if report.storage_looks_empty:
        click.echo(
            "Le stockage ne contient aucun fichier, alors que "
            f"{_count(len(report.missing_files), 'support en attend un', 'supports en attendent')}"
            " : vérifiez qu’il est bien monté et configuré (MATERIALS_STORAGE, MATERIALS_FOLDER "
            "ou MATERIALS_S3_BUCKET). Rien n’a été supprimé."
        )
        raise SystemExit(1)
    done = "supprimé" if remove else None
    for key in report.orphan_files:
        click.echo(f"Fichier orphelin (aucun support ne l’utilise){_done(done)} : {key}")
    for key in report.recent_orphan_files:
        click.echo(f"Fichier orphelin récent, gardé (un envoi est peut-être en cours) : {key}")
    for name in report.leftovers:
        click.echo(f"Fichier temporaire abandonné{_done(done)} : {name}")
    for material_id, title in report.missing_files:
        click.echo(f"Support dont le fichier manque{_done(done)} : n° {material_id} « {title} »")
    removable = report.orphan_files or report.leftovers or report.missing_files
    if not removable:
        # Recent orphans are no fault yet (an upload may be committing): nothing to do.
        click.echo(
            f"Stockage des supports cohérent : {_count(report.stored, 'fichier', 'fichiers')}."
        )
        return
    if remove:
        click.echo(
            "Supprimés : "
            f"{_count(len(report.orphan_files), 'fichier orphelin', 'fichiers orphelins')}, "
            f"{_count(len(report.leftovers), 'fichier temporaire', 'fichiers temporaires')}, "
            f"{_count(len(report.missing_files), 'support sans fichier', 'supports sans fichier')}."
        )
        return
    click.echo(
        "Relancez avec --remove pour supprimer les fichiers orphelins, les fichiers "
        "temporaires abandonnés et les supports dont le fichier manque."
    )
    raise SystemExit(1)


def _done(word: str | None) -> str:
    return f", {word}" if word else ""
