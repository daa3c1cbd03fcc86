"""Demo content loaded by `flask init` on the first run, so a newcomer sees a living catalogue."""

from __future__ import annotations

import io
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from .accounts.users import create_user
from .dates import PARIS, utcnow
from .events.lifecycle import EventData, cancel_event, create_event, publish_event
from .extensions import db
from .materials import samples
from .materials.service import Details, FilesTransaction, Limits, Upload, add_files, add_link
from .models import (
    Event,
    EventKind,
    EventStatus,
    MaterialVisibility,
    Registration,
    RegistrationStatus,
    User,
    UserRole,
)
from .registrations.service import SignUp, sign_up

DEMO_EMAIL = "organisatrice.demo@example.org"


def demo_start(days: int, hour: int, today: date | None = None) -> datetime:
    """A Paris wall-clock time about `days` from today, always on a weekday: a session the
    demo puts on a Saturday moves to the Monday after (or the Friday before, in the past)."""
    day = (today or utcnow().astimezone(PARIS).date()) + timedelta(days=days)
    step = timedelta(days=1 if days >= 0 else -1)
    while day.weekday() >= 5:
        day += step
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def is_empty() -> bool:
    """True before the first run: no account and no event."""
    has_user = db.session.execute(db.select(User.id).limit(1)).first() is not None
    has_event = db.session.execute(db.select(Event.id).limit(1)).first() is not None
    return not has_user and not has_event


VISIO = "https://webinaire.numerique.gouv.fr/meeting/signin/demo"
SEGUR = "Ségur, 20 avenue de Ségur, 75007 Paris"
CANCEL_REASON = "L’intervenant est indisponible ; une nouvelle date sera proposée."

#: The demo sessions: days from today (moved to a weekday), Paris hour, duration in hours,
#: status, who organizes ("admin", "host" or both) and the form's fields.
DEMO_EVENTS: list[dict[str, Any]] = [
    {
        "days": 7,
        "hour": 14,
        "hours": 2,
        "kind": EventKind.WORKSHOP,
        "title": "Explorer ses données d’usage avec SQL",
        "summary": "Écrire ses premières requêtes pour répondre à des questions produit.",
        "description": (
            "## Programme\n\n- Les bases de `SELECT`, `WHERE` et `GROUP BY`\n"
            "- Calculer un taux de rétention\n- Exercices sur un jeu de données fictif\n\n"
            "## Prérequis\n\nAucun : venez avec votre ordinateur."
        ),
        "location": f"{SEGUR}, salle 4.312",
        # Small, and full: the demo shows seats and a waiting list.
        "capacity": 8,
        "theme_names": ["SQL", "Exploration de données"],
        "organizers": ("admin",),
        "registrations": 10,
    },
    {
        "days": 10,
        "hour": 12,
        "hours": 1,
        "kind": EventKind.COMMUNITY,
        "title": "Café data : tableaux de bord et indicateurs d’impact",
        "summary": "Un temps d’échange entre startups sur la mesure d’impact.",
        "description": "Chaque startup présente un indicateur en cinq minutes, puis discussion.",
        "online_url": VISIO,
        "theme_names": ["Visualisation", "Mesure d’impact"],
        "organizers": ("host",),
    },
    {
        "days": 14,
        "hour": 10,
        "hours": 3,
        "kind": EventKind.WORKSHOP,
        "title": "Premiers pas en apprentissage automatique",
        "summary": "Ce qu’un modèle prédictif peut, et ne peut pas, faire pour votre produit.",
        "description": "Avec scikit-learn, sur un cas concret de classification.",
        "location": f"{SEGUR}, salle 2.105",
        "online_url": VISIO,
        "capacity": 20,
        "theme_names": ["Machine learning", "Python"],
        "organizers": ("admin", "host"),
        "registrations": 5,
    },
    {
        "days": 21,
        "hour": 14,
        "hours": 2,
        "kind": EventKind.WORKSHOP,
        "title": "Mettre un modèle en production : introduction au MLOps",
        "summary": "Versionner, déployer et surveiller un modèle sans se perdre.",
        "online_url": VISIO,
        "capacity": 30,
        "theme_names": ["MLOps", "Python"],
        "organizers": ("admin",),
    },
    {
        "days": 24,
        "hour": 12,
        "hours": 1,
        "kind": EventKind.COMMUNITY,
        "title": "Retours d’expérience : recruter un profil data",
        "summary": "Data scientist, data engineer ou data analyst : quelle fiche de poste ?",
        "online_url": VISIO,
        "theme_names": ["Recrutement"],
        "organizers": ("host",),
    },
    {
        "days": 17,
        "hour": 14,
        "hours": 2,
        "status": EventStatus.CANCELLED,
        "kind": EventKind.WORKSHOP,
        "title": "Atelier segmentation de la donnée",
        "summary": "Regrouper ses usagers en segments utiles au produit.",
        "location": SEGUR,
        "capacity": 15,
        "theme_names": ["Machine learning"],
        "organizers": ("admin",),
    },
    {
        "days": 35,
        "hour": 14,
        "hours": 2,
        "status": EventStatus.DRAFT,
        "kind": EventKind.WORKSHOP,
        "title": "Données ouvertes : trouver et croiser des jeux de données",
        "summary": "Brouillon en préparation.",
        "online_url": VISIO,
        "theme_names": ["Open data"],
        "organizers": ("admin",),
    },
    *(
        {
            "days": -7 * weeks,
            "hour": 12,
            "hours": 1,
            "kind": EventKind.COMMUNITY,
            "title": "Café data de la communauté",
            "summary": "Le rendez-vous mensuel de la communauté data des startups d’État.",
            "online_url": VISIO,
            "theme_names": ["Communauté"],
            "organizers": ("host",),
        }
        for weeks in (1, 3, 6)
    ),
    {
        "days": -20,
        "hour": 14,
        "hours": 2,
        "kind": EventKind.WORKSHOP,
        "title": "Visualiser ses données avec Metabase",
        "summary": "Construire un tableau de bord partagé avec son équipe.",
        "location": SEGUR,
        "capacity": 12,
        "theme_names": ["Visualisation"],
        "organizers": ("admin",),
        "registrations": 9,
        "materials": True,
    },
]

#: Demo participants (addresses at example.org, which never receives mail).
DEMO_PEOPLE = [
    ("Léa Dubois", "Mon Suivi Justice"),
    ("Thomas Nguyen", "Aides Jeunes"),
    ("Inès Moreau", "Domifa"),
    ("Julien Lefèvre", "DossierFacile"),
    ("Sarah Haddad", "Pass Culture"),
    ("Hugo Petit", "Signal Conso"),
    ("Chloé Garnier", "Mes Aides Réno"),
    ("Mehdi Roux", "1000 premiers jours"),
    ("Manon Lambert", "Aides Territoires"),
    ("Paul Girard", "Zéro Logement Vacant"),
]


#: Accented letters of the demo names, as an address writes them.
_PLAIN = str.maketrans("éèêëïîç", "eeeeiic")


def demo_email(name: str) -> str:
    """ "Léa Dubois" -> "lea.dubois@example.org"."""
    return name.lower().translate(_PLAIN).replace(" ", ".") + "@example.org"


def add_demo_registrations(event: Event, count: int) -> None:
    """Sign demo people up, as the form would (seats, then the waiting list, and their
    mails in the outbox). A past session gets its seats directly: nobody signs up to it."""
    for name, organisation in DEMO_PEOPLE[:count]:
        if event.is_past():
            db.session.add(
                Registration(
                    event=event,
                    name=name,
                    email=demo_email(name),
                    organisation=organisation,
                    status=RegistrationStatus.CONFIRMED,
                    created_at=event.starts_at - timedelta(days=10),
                    confirmed_at=event.starts_at - timedelta(days=10),
                )
            )
        else:
            sign_up(event, SignUp(name=name, email=demo_email(name), organisation=organisation))
    db.session.flush()


def add_demo_materials(
    event: Event, author: User, transaction: FilesTransaction, limits: Limits
) -> None:
    """A past session's materials: slides (a PDF), a notebook and a link, all public, made
    here and stored like uploads (checked, then written to the materials storage)."""
    slides = samples.pdf(
        event.title,
        [
            "Support de la session, version de démonstration.",
            "1. Se connecter à Metabase et choisir une source de données",
            "2. Poser une question sans écrire de SQL",
            "3. Assembler un tableau de bord et le partager à son équipe",
        ],
    )
    notebook = samples.notebook(
        "Exercices : préparer ses données pour un tableau de bord",
        [
            ("markdown", "Chargez le fichier d’exemple, puis comptez les visites par semaine."),
            ("code", "import pandas as pd\n\nvisites = pd.read_csv('visites.csv')\nvisites.head()"),
            ("code", "visites.groupby(pd.Grouper(key='date', freq='W')).size()"),
        ],
    )
    files = [
        ("presentation-metabase.pdf", slides, "Présentation de l’atelier"),
        ("exercices-tableau-de-bord.ipynb", notebook, "Notebook des exercices"),
    ]
    for name, content, title in files:
        add_files(
            event,
            [Upload(name, io.BytesIO(content))],
            Details(title=title, description="", visibility=MaterialVisibility.PUBLIC),
            author,
            transaction,
            limits,
        )
    add_link(
        event,
        "https://www.metabase.com/learn/",
        Details(
            title="Tutoriels Metabase",
            description="Pour aller plus loin après l’atelier (en anglais).",
            visibility=MaterialVisibility.PUBLIC,
        ),
        author,
    )


def load_demo(transaction: FilesTransaction) -> tuple[str, str]:
    """Create a demo admin, an organizer and the DEMO_EVENTS; return the admin's login."""
    password = secrets.token_urlsafe(12)
    people = {
        "admin": create_user(DEMO_EMAIL, "Camille Martin (démo)", UserRole.ADMIN, password),
        "host": create_user(
            "animateur.demo@example.org",
            "Karim Benali (démo)",
            UserRole.ORGANIZER,
            secrets.token_urlsafe(16),
        ),
    }
    for spec in DEMO_EVENTS:
        fields = dict(spec)
        starts = demo_start(fields.pop("days"), fields.pop("hour"))
        ends = starts + timedelta(hours=fields.pop("hours"))
        status = fields.pop("status", EventStatus.PUBLISHED)
        organizers = [people[key] for key in fields.pop("organizers")]
        registrations = fields.pop("registrations", 0)
        with_materials = fields.pop("materials", False)
        fields.setdefault("description", "")
        data = EventData(
            starts_at=starts,
            ends_at=ends,
            organizer_ids=[user.id for user in organizers],
            **fields,
        )
        event = create_event(data, people["admin"])
        if status != EventStatus.DRAFT:
            publish_event(event)
        if status == EventStatus.CANCELLED:
            cancel_event(event, CANCEL_REASON)
        add_demo_registrations(event, registrations)
        if with_materials:
            add_demo_materials(event, people["admin"], transaction, Limits.from_config())
    return DEMO_EMAIL, password
