"""Demo content loaded by `flask init` on the first run, so a newcomer sees a living catalogue."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from .dates import PARIS, utcnow
from .extensions import db
from .models import Event, User
from .organizer.accounts import create_user
from .organizer.events import EventData, cancel_event, create_event, publish_event

DEMO_EMAIL = "organisatrice.demo@example.org"


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """A Paris wall-clock time `days` from today, in UTC."""
    day = utcnow().astimezone(PARIS).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def is_empty() -> bool:
    """True before the first run: no account and no event."""
    has_user = db.session.execute(db.select(User.id).limit(1)).first() is not None
    has_event = db.session.execute(db.select(Event.id).limit(1)).first() is not None
    return not has_user and not has_event


def load_demo() -> tuple[str, str]:
    """Create a demo admin and a dozen events; return the admin's email and password."""
    password = secrets.token_urlsafe(12)
    admin = create_user(DEMO_EMAIL, "Camille Martin (démo)", "admin", password)
    host = create_user(
        "animateur.demo@example.org", "Karim Benali (démo)", "organizer", secrets.token_urlsafe(16)
    )

    def add(days: int, hour: int, hours: float, status: str = "published", **fields) -> Event:  # type: ignore[no-untyped-def]
        starts = _at(days, hour)
        fields.setdefault("description", "")
        data = EventData(starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields)
        event = create_event(data, admin)
        if status in ("published", "cancelled"):
            publish_event(event)
        if status == "cancelled":
            cancel_event(event, "L'intervenant est indisponible ; une nouvelle date sera proposée.")
        return event

    visio = "https://webinaire.numerique.gouv.fr/meeting/signin/demo"
    add(
        7,
        14,
        2,
        kind="workshop",
        title="Explorer ses données d'usage avec SQL",
        summary="Écrire ses premières requêtes pour répondre à des questions produit.",
        description=(
            "## Programme\n\n- Les bases de `SELECT`, `WHERE` et `GROUP BY`\n"
            "- Calculer un taux de rétention\n- Exercices sur un jeu de données fictif\n\n"
            "## Prérequis\n\nAucun : venez avec votre ordinateur."
        ),
        location="Ségur, 20 avenue de Ségur, 75007 Paris, salle 4.312",
        capacity=12,
        theme_names=["SQL", "Exploration de données"],
        organizer_ids=[admin.id],
    )
    add(
        10,
        12,
        1,
        kind="community",
        title="Café data : tableaux de bord et indicateurs d'impact",
        summary="Un temps d'échange entre startups sur la mesure d'impact.",
        description="Chaque startup présente un indicateur en cinq minutes, puis discussion.",
        online_url=visio,
        theme_names=["Visualisation", "Mesure d'impact"],
        organizer_ids=[host.id],
    )
    add(
        14,
        10,
        3,
        kind="workshop",
        title="Premiers pas en apprentissage automatique",
        summary="Ce qu'un modèle prédictif peut, et ne peut pas, faire pour votre produit.",
        description="Avec scikit-learn, sur un cas concret de classification.",
        location="Ségur, 20 avenue de Ségur, 75007 Paris, salle 2.105",
        online_url=visio,
        capacity=20,
        theme_names=["Machine learning", "Python"],
        organizer_ids=[admin.id, host.id],
    )
    add(
        21,
        14,
        2,
        kind="workshop",
        title="Mettre un modèle en production : introduction au MLOps",
        summary="Versionner, déployer et surveiller un modèle sans se perdre.",
        online_url=visio,
        capacity=30,
        theme_names=["MLOps", "Python"],
        organizer_ids=[admin.id],
    )
    add(
        24,
        12,
        1,
        kind="community",
        title="Retours d'expérience : recruter un profil data",
        summary="Data scientist, data engineer ou data analyst : quelle fiche de poste ?",
        online_url=visio,
        theme_names=["Recrutement"],
        organizer_ids=[host.id],
    )
    add(
        17,
        14,
        2,
        status="cancelled",
        kind="workshop",
        title="Atelier segmentation de la donnée",
        summary="Regrouper ses usagers en segments utiles au produit.",
        location="Ségur, 20 avenue de Ségur, 75007 Paris",
        capacity=15,
        theme_names=["Machine learning"],
        organizer_ids=[admin.id],
    )
    add(
        35,
        14,
        2,
        status="draft",
        kind="workshop",
        title="Données ouvertes : trouver et croiser des jeux de données",
        summary="Brouillon en préparation.",
        online_url=visio,
        theme_names=["Open data"],
        organizer_ids=[admin.id],
    )
    for weeks in (1, 3, 6):
        add(
            -7 * weeks,
            12,
            1,
            kind="community",
            title="Café data de la communauté",
            summary="Le rendez-vous mensuel de la communauté data des startups d'État.",
            online_url=visio,
            theme_names=["Communauté"],
            organizer_ids=[host.id],
        )
    add(
        -20,
        14,
        2,
        kind="workshop",
        title="Visualiser ses données avec Metabase",
        summary="Construire un tableau de bord partagé avec son équipe.",
        location="Ségur, 20 avenue de Ségur, 75007 Paris",
        capacity=12,
        theme_names=["Visualisation"],
        organizer_ids=[admin.id],
    )
    return DEMO_EMAIL, password
