"""The catalogue's filter form: plain GET parameters, so a filtered page can be bookmarked."""

from __future__ import annotations

from wtforms import SearchField
from wtforms.validators import Length, Optional

from ..forms import ChoiceField, Form, choices
from ..models import Theme
from .queries import FORMAT_PARAMS, KIND_PARAMS, CatalogueFilters

#: The filter form's query parameters, the only ones the pager's links keep.
FILTER_PARAMS = ("type", "theme", "format", "q")
#: Those a calendar feed understands: a feed of "everything about SQL" would be a search.
FEED_PARAMS = ("type", "theme", "format")


class EventFilterForm(Form):
    """Type, theme and format: what a calendar feed can be filtered on (see calendar.feeds).

    The theme choices are set by the caller: the catalogue offers the themes in use, a feed
    accepts every theme ever published, so that a subscribed URL never starts failing.
    """

    class Meta:
        csrf = False  # read-only GET form

    type = ChoiceField(
        "Type",
        choices=choices(
            [
                ("", "Tous les types"),
                ("atelier", "Ateliers collectifs"),
                ("communaute", "Sessions communauté"),
            ]
        ),
        default="",
    )
    theme = ChoiceField("Thématique", default="")
    format = ChoiceField(
        "Format",
        choices=choices(
            [("", "Tous les formats"), ("en-ligne", "En ligne"), ("sur-place", "Sur place")]
        ),
        default="",
    )

    def set_themes(self, themes: list[Theme]) -> None:
        self.theme.choices = choices(
            [("", "Toutes les thématiques"), *((t.slug, t.name) for t in themes)]
        )

    def active_labels(self) -> list[str]:
        """The valid filters in use, as "Type : Ateliers collectifs", for the tags."""
        labels = []
        for field in (self[name] for name in ("q", "type", "theme", "format") if name in self):
            if not (field.data or "").strip() or field.errors:
                continue
            if field.name == "q":
                labels.append(f"{field.label.text} : « {field.data.strip()} »")
            else:
                chosen = dict((c.value, c.label) for c in field.choices).get(field.data)  # type: ignore[union-attr]
                if chosen:
                    labels.append(f"{field.label.text} : {chosen}")
        return labels

    def to_filters(self) -> CatalogueFilters:
        """The valid filters; a field in error is ignored (the page says so)."""
        errors = self.errors

        def value(name: str) -> str | None:
            data = self[name].data if name in self else None
            return data if data and name not in errors else None

        return CatalogueFilters(
            kind=KIND_PARAMS.get(value("type")),  # type: ignore[arg-type]
            theme=value("theme"),
            format=FORMAT_PARAMS.get(value("format")),  # type: ignore[arg-type]
            text=(value("q") or "").strip() or None,
        )


class FilterForm(EventFilterForm):
    """The catalogue's filters: those of a feed, and a free-text search."""

    q = SearchField(
        "Rechercher",
        validators=[
            Optional(),
            Length(max=100, message="La recherche est limitée à 100 caractères."),
        ],
    )
