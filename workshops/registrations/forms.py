"""The sign-up form: who comes, and a honeypot for robots."""

from __future__ import annotations

from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..events.visibility import is_public
from ..forms import Form, Visible, no_web_address, normalized_email, one_line, strip
from ..models import Event
from .service import SignUp, closed_reason, seats_left


class SignUpForm(Form):
    name = StringField(
        "Prénom et nom",
        filters=[one_line],
        validators=[
            DataRequired("Indiquez votre prénom et votre nom."),
            Visible("Indiquez votre prénom et votre nom."),
            Length(max=200, message="Le nom ne doit pas dépasser 200 caractères."),
            no_web_address,
        ],
    )
    email = EmailField(
        "Adresse électronique",
        description="Format attendu : nom@domaine.fr. La confirmation vous sera envoyée à "
        "cette adresse.",
        filters=[strip],
        validators=[DataRequired("Indiquez votre adresse électronique."), normalized_email],
    )
    organisation = StringField(
        "Startup d’État ou organisation",
        filters=[one_line],
        validators=[
            DataRequired("Indiquez votre startup d’État ou votre organisation."),
            Visible("Indiquez votre startup d’État ou votre organisation."),
            Length(max=200, message="Ce champ ne doit pas dépasser 200 caractères."),
            no_web_address,
        ],
    )
    message = TextAreaField(
        "Ce que vous attendez de la session",
        description="Facultatif : vos questions, votre niveau, un cas que vous aimeriez "
        "aborder. Seule l’équipe d’organisation le lit.",
        filters=[strip],
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


def sign_up_context(event: Event, form: SignUpForm | None = None) -> dict[str, object]:
    """What the session page needs to offer signing up (or say why it cannot)."""
    if not is_public(event):
        return {"signup": None}
    return {
        "signup": {
            "closed": closed_reason(event),
            "seats_left": seats_left(event),
            "form": form or SignUpForm(),
        }
    }


class SignInRequestForm(Form):
    """/mes-inscriptions: the address to mail a sign-in link to."""

    email = EmailField(
        "Adresse électronique",
        description="L’adresse utilisée pour vous inscrire. Format attendu : nom@domaine.fr.",
        filters=[strip],
        validators=[DataRequired("Indiquez votre adresse électronique."), normalized_email],
    )
