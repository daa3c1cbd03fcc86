"""Back-office forms. Times are typed in Europe/Paris and converted to UTC on the way in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.passwords import PASSWORD_HINT, password_problem
from ..events.lifecycle import SCALAR_FIELDS, EventData
from ..forms import (
    ChoiceField,
    Form,
    NumberField,
    ParisDateTimeField,
    RadioChoiceField,
    choices,
    normalized_email,
    one_line,
    strip,
)
from ..models import EventKind, UserRole

#: Hint of the date-time fields: what to type when the browser shows a plain text box.
DATETIME_HINT = "Date et heure de Paris. Format : jj/mm/aaaa hh:mm, par exemple 03/12/2026 14:00."


class LoginForm(Form):
    email = EmailField(
        "Adresse électronique",
        description="Format attendu : nom@domaine.fr",
        validators=[DataRequired("Saisissez votre adresse électronique."), Length(max=320)],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe."), Length(max=200)],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


#: A host name: dot-separated labels of letters, digits and inner hyphens (IDN letters too).
_HOST_NAME = re.compile(r"(?!-)[^\W_](?:[\w-]*[^\W_])?(?:\.(?!-)[^\W_](?:[\w-]*[^\W_])?)*\.?")
#: An IPv6 literal, `[2001:db8::1]`, and maybe a port: no IPvFuture, nothing after the bracket.
_BRACKETED_HOST = re.compile(r"\[[0-9A-Fa-f:.]+\](?::[0-9]*)?")


#: The example of a refused link's message, for a video-conference link.
VISIO_EXAMPLE = "https://webconf.numerique.gouv.fr/…"


def validate_http_url(form: Form, field: URLField, example: str = VISIO_EXAMPLE) -> None:
    """A link participants can follow: http(s), a real host, nothing that hides where it
    leads (`https://visio.gouv.fr@evil.example` goes to evil.example). `example` is shown
    in the message when no site address follows https://."""
    url = field.data
    if not url:
        return
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError("Le lien doit commencer par https:// (ou http://).")
    if " " in url:
        raise ValidationError("Le lien ne doit pas contenir d’espace.")
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char.isspace() for char in url):
        raise ValidationError("Le lien ne doit pas contenir de caractère invisible.")
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced IPv6 bracket: "https://[::1"
        raise ValidationError(
            f"Le lien doit indiquer l’adresse d’un site après https://, par exemple {example}"
        ) from None
    if "@" in parts.netloc:
        raise ValidationError(
            "Le lien ne doit pas contenir d’identifiant ou de @ avant l’adresse du site."
        )
    if parts.netloc.startswith("["):
        # urlsplit has checked the IPv6 address inside; nothing but a port may follow it.
        host_ok = _BRACKETED_HOST.fullmatch(parts.netloc)
    else:
        host_ok = _HOST_NAME.fullmatch(parts.hostname or "")
    if not host_ok:
        raise ValidationError(
            f"Le lien doit indiquer l’adresse d’un site après https://, par exemple {example}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise ValidationError("Le numéro de port du lien n’est pas valide.") from None


class EventForm(Form):
    kind = RadioChoiceField(
        "Type de session",
        choices=choices((kind.value, kind.label) for kind in EventKind),
        validators=[InputRequired("Choisissez le type de session.")],
    )
    title = StringField(
        "Titre",
        filters=[one_line],
        validators=[
            DataRequired("Indiquez le titre de la session."),
            Length(max=200, message="Le titre ne doit pas dépasser 200 caractères."),
        ],
    )
    summary = TextAreaField(
        "Résumé",
        description="Une ou deux phrases affichées dans le catalogue.",
        filters=[strip],
        validators=[
            DataRequired("Indiquez un résumé de la session."),
            Length(max=500, message="Le résumé ne doit pas dépasser 500 caractères."),
        ],
    )
    description = TextAreaField(
        "Description",
        description=(
            "Au format Markdown : programme, prérequis, public visé… Pour un terme dans une "
            "autre langue, indiquez-la : [machine learning]{lang=en}."
        ),
        filters=[strip],
        validators=[Length(max=20_000, message="La description est trop longue.")],
    )
    starts_at = ParisDateTimeField(
        "Début",
        description=DATETIME_HINT,
        validators=[InputRequired("Indiquez la date et l’heure de début.")],
    )
    ends_at = ParisDateTimeField(
        "Fin",
        description=DATETIME_HINT,
        validators=[InputRequired("Indiquez la date et l’heure de fin.")],
    )
    location = StringField(
        "Lieu",
        description="Adresse et salle, si la session a lieu sur place.",
        filters=[one_line],
        validators=[
            Optional(),
            Length(max=300, message="Le lieu ne doit pas dépasser 300 caractères."),
        ],
    )
    online_url = URLField(
        "Lien de visioconférence",
        description="Si la session a lieu en ligne. Format attendu : https://…",
        filters=[strip],
        validators=[Optional(), Length(max=500), validate_http_url],
    )
    capacity = NumberField(
        "Nombre de places",
        description="Laissez vide pour un nombre de places illimité.",
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message="Indiquez un nombre de places d’au moins 1."),
        ],
    )
    registration_closes_at = ParisDateTimeField(
        "Clôture des inscriptions",
        description="Facultatif. Par défaut, les inscriptions restent ouvertes jusqu’au début. "
        + DATETIME_HINT,
        validators=[Optional()],
    )
    themes = StringField(
        "Thématiques",
        description="Séparées par des virgules, par exemple : SQL, visualisation, MLOps.",
        filters=[strip],
        validators=[Optional(), Length(max=500)],
    )
    organizers = MultiCheckboxField("Organisateurs et organisatrices", coerce=int)

    def set_organizer_choices(self, users: list) -> None:  # type: ignore[type-arg]
        self.organizers.choices = choices((user.id, user.name) for user in users)

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        fields_valid = super().validate(extra_validators)
        start, end = self.starts_at.data, self.ends_at.data
        closes = self.registration_closes_at.data
        problems = []
        if start and end and end <= start:
            problems.append((self.ends_at, "La fin doit être postérieure au début."))
        if not self.location.data and not self.online_url.data:
            problems.append(
                (self.location, "Indiquez un lieu, un lien de visioconférence, ou les deux.")
            )
        if closes and end and closes > end:
            problems.append(
                (
                    self.registration_closes_at,
                    "La clôture des inscriptions doit précéder la fin de la session.",
                )
            )
        for field, message in problems:
            field.errors.append(message)
        return fields_valid and not problems

    def to_data(self) -> EventData:
        return EventData(
            kind=self.kind.data,
            title=self.title.data,
            summary=self.summary.data,
            description=self.description.data or "",
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            location=self.location.data or None,
            online_url=self.online_url.data or None,
            capacity=self.capacity.data,
            registration_closes_at=self.registration_closes_at.data,
            theme_names=[name for name in (self.themes.data or "").split(",") if name.strip()],
            # Each id once: a body repeating one id thousands of times is not thousands of
            # query parameters (PostgreSQL refuses more than 65,535).
            organizer_ids=list(dict.fromkeys(self.organizers.data or [])),
        )

    def fill_from(self, data: EventData) -> None:
        for name in SCALAR_FIELDS:
            getattr(self, name).data = getattr(data, name)
        self.themes.data = ", ".join(data.theme_names)
        self.organizers.data = data.organizer_ids


class CancelForm(Form):
    reason = TextAreaField(
        "Motif de l’annulation",
        description="Il sera affiché sur la page publique de la session.",
        filters=[strip],
        validators=[
            DataRequired("Indiquez le motif de l’annulation."),
            Length(max=1000, message="Le motif ne doit pas dépasser 1 000 caractères."),
        ],
    )


def _validate_password(form: Form, field: PasswordField) -> None:
    """The domain's rule, so the form and `flask create-user` refuse the same passwords."""
    problem = field.data and password_problem(field.data)
    if problem:
        raise ValidationError(problem)


class UserForm(Form):
    # Fields in the order the page shows them, so the error summary lists them that way.
    name = StringField(
        "Nom affiché",
        filters=[strip],
        validators=[DataRequired("Saisissez le nom."), Length(max=200)],
    )
    email = EmailField(
        "Adresse électronique",
        description="Format attendu : nom@domaine.fr",
        validators=[DataRequired("Saisissez l’adresse électronique."), normalized_email],
    )
    role = ChoiceField(
        "Rôle",
        choices=choices((role.value, role.label) for role in UserRole),
        default=UserRole.ORGANIZER.value,
        validate_choice=True,
    )
    active = BooleanField("Compte actif", default=True)
    password = PasswordField(
        "Mot de passe",
        description=f"{PASSWORD_HINT} Laissez vide pour ne pas le modifier.",
        validators=[Optional(), Length(max=200), _validate_password],
    )


class NewUserForm(UserForm):
    """A new account needs a password: said with the other errors, not after them."""

    password = PasswordField(
        "Mot de passe",
        description=PASSWORD_HINT,
        validators=[
            InputRequired("Choisissez un mot de passe."),
            Length(max=200),
            _validate_password,
        ],
    )
