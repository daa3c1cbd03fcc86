"""The sign-up form: who comes, and a honeypot for robots."""

from __future__ import annotations

from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form, normalized_email, one_line
from .service import SignUp


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignUpForm(Form):
    name = StringField(
        "Prénom et nom",
        filters=[one_line],
        validators=[
            DataRequired("Indiquez votre prénom et votre nom."),
            Length(max=200, message="Le nom ne doit pas dépasser 200 caractères."),
        ],
    )
    email = EmailField(
        "Adresse électronique",
        description="Format attendu : nom@domaine.fr. La confirmation vous sera envoyée à "
        "cette adresse.",
        filters=[_strip],
        validators=[DataRequired("Indiquez votre adresse électronique."), normalized_email],
    )
    organisation = StringField(
        "Startup d’État ou organisation",
        filters=[one_line],
        validators=[
            DataRequired("Indiquez votre startup d’État ou votre organisation."),
            Length(max=200, message="Ce champ ne doit pas dépasser 200 caractères."),
        ],
    )
    message = TextAreaField(
        "Ce que vous attendez de la session",
        description="Facultatif : vos questions, votre niveau, un cas que vous aimeriez "
        "aborder. Seule l’équipe d’organisation le lit.",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=2000, message="Ce message ne doit pas dépasser 2 000 caractères."),
        ],
    )
    #: Hidden from people (CSS and aria-hidden); robots fill every field they find.
    website = StringField("Ne remplissez pas ce champ")

    @property
    def is_robot(self) -> bool:
        return bool((self.website.data or "").strip())

    def to_sign_up(self) -> SignUp:
        return SignUp(
            name=self.name.data,
            email=self.email.data,
            organisation=self.organisation.data,
            message=self.message.data or "",
        )
