"""Flask commands: `flask init`, `flask create-user`, `flask send-mail`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .extensions import db
from .models import UserRole

DEMO_LOGIN_FILE = "demo-login.txt"


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(send_mail_command)


@click.command("init")
@click.option("--no-demo", is_flag=True, help="Do not load demo content on the first run.")
@with_appcontext
def init_command(no_demo: bool) -> None:
    """Apply migrations; on the very first run, load demo content. Safe to run again."""
    from .demo import is_empty, load_demo

    upgrade(directory=current_app.extensions["migrate"].directory)
    login_file = Path(current_app.instance_path) / DEMO_LOGIN_FILE
    if not no_demo and is_empty():
        email, password = load_demo()
        db.session.commit()
        login_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(login_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"{email}\n{password}\n")
        click.echo("Données de démonstration chargées.")
    click.echo("Base de données à jour.")
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
