from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Form


class OfferPageForm(Form):
    title = StringField(
        "Titre de la page",
        validators=[DataRequired("Indiquez le titre de la page."), Length(max=200)],
    )
    lead = TextAreaField(
        "Chapô",
        description="Une ou deux phrases affichées sous le titre.",
        validators=[Length(max=500, message="Le chapô ne doit pas dépasser 500 caractères.")],
    )
    body = TextAreaField(
        "Contenu",
        description=(
            "Au format Markdown. Chaque titre de niveau 2 (« ## Titre ») devient une entrée "
            "du sommaire. Les liens autorisés commencent par http, https ou mailto. Pour un "
            "terme dans une autre langue, indiquez-la : [machine learning]{lang=en}, ou "
            "[MLOps](https://ml-ops.org/){lang=en} pour un lien."
        ),
        validators=[
            DataRequired("Le contenu de la page ne peut pas être vide."),
            Length(max=50_000, message="Le contenu ne doit pas dépasser 50 000 caractères."),
        ],
    )
    preview = SubmitField("Prévisualiser")
    save = SubmitField("Enregistrer")
