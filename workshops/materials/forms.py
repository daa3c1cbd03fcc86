"""Forms of the materials pages: upload, link, edit, replace, and the archive's filters."""

from __future__ import annotations

from flask_wtf.file import FileField, MultipleFileField
from wtforms import SearchField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import ChoiceField, Form, RadioChoiceField, Visible, choices, one_line, strip
from ..models import MaterialVisibility, Theme
from ..organizer.forms import validate_http_url
from . import formats
from .service import Details, ResourceFilters


def _material_link(form: Form, field: URLField) -> None:
    validate_http_url(form, field, example="https://github.com/…")


def _visibility_field() -> RadioChoiceField:
    return RadioChoiceField(
        "Qui peut le voir ?",
        choices=choices((v.value, v.label) for v in MaterialVisibility),
        default=MaterialVisibility.PUBLIC.value,
        validators=[InputRequired("Choisissez qui peut voir ce support.")],
    )


def _description_field() -> TextAreaField:
    return TextAreaField(
        "Description",
        description="Facultatif : ce que contient le support, à quoi il sert.",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=2000, message="La description ne doit pas dépasser 2 000 caractères."),
        ],
    )


_TITLE_LENGTH = Length(max=200, message="Le titre ne doit pas dépasser 200 caractères.")


class DetailsForm(Form):
    def to_details(self) -> Details:
        return Details(
            title=self.title.data or "",  # type: ignore[attr-defined]
            description=self.description.data or "",  # type: ignore[attr-defined]
            visibility=self.visibility.data,  # type: ignore[attr-defined]
        )


class UploadForm(DetailsForm):
    # Checked by the service (format, size, content): a refused file is named in the error.
    files = MultipleFileField("Fichiers")
    title = StringField(
        "Titre",
        description="Facultatif. Laissé vide, chaque fichier prend son nom pour titre ; avec "
        "plusieurs fichiers, ce titre précède le nom de chacun. Vous pourrez le modifier "
        "ensuite.",
        filters=[one_line],
        validators=[
            Optional(),
            Visible(
                "Le titre ne contient aucun caractère visible : écrivez-le, ou laissez le "
                "champ vide."
            ),
            _TITLE_LENGTH,
        ],
    )
    description = _description_field()
    visibility = _visibility_field()


class LinkForm(DetailsForm):
    url = URLField(
        "Adresse du lien",
        description="Un dépôt de code, le replay de la session, un notebook publié… "
        "Format attendu : https://…",
        filters=[strip],
        validators=[
            DataRequired("Indiquez l’adresse du lien."),
            Length(max=2000, message="L’adresse ne doit pas dépasser 2 000 caractères."),
            _material_link,
        ],
    )
    title = StringField(
        "Titre",
        filters=[one_line],
        validators=[
            DataRequired("Indiquez le titre du lien."),
            Visible("Indiquez le titre du lien."),
            _TITLE_LENGTH,
        ],
    )
    description = _description_field()
    visibility = _visibility_field()


class EditForm(LinkForm):
    """A material's title, description and visibility; its address when it is a link."""

    title = StringField(
        "Titre",
        filters=[one_line],
        validators=[
            DataRequired("Indiquez le titre du support."),
            Visible("Indiquez le titre du support."),
            _TITLE_LENGTH,
        ],
    )

    def for_file(self) -> EditForm:
        """A file has no address to edit."""
        del self.url
        return self


class ReplaceForm(Form):
    file = FileField("Nouveau fichier")


class ActionForm(Form):
    """A button that changes something: a POST with this form's CSRF token."""


class ResourceFilterForm(Form):
    """The archive's filters: plain GET parameters, so a search can be bookmarked."""

    class Meta:
        csrf = False

    q = SearchField(
        "Mots-clés",
        description="Un mot du titre, de la description ou de la session.",
        validators=[
            Optional(),
            Length(max=100, message="La recherche est limitée à 100 caractères."),
        ],
    )
    theme = ChoiceField("Thématique", default="")
    type = ChoiceField(
        "Type de support",
        choices=choices(
            [
                ("", "Tous les types"),
                *((key, label) for key, (label, _) in formats.CATEGORIES.items()),
            ]
        ),
        default="",
    )

    def set_themes(self, themes: list[Theme]) -> None:
        self.theme.choices = choices(
            [("", "Toutes les thématiques"), *((t.slug, t.name) for t in themes)]
        )

    def to_filters(self) -> ResourceFilters:
        """The valid filters; a field in error is ignored (the page says so)."""
        errors = self.errors

        def value(name: str) -> str:
            data = self[name].data
            return data.strip() if data and name not in errors else ""

        return ResourceFilters(
            text=value("q"), theme=value("theme") or None, category=value("type") or None
        )
