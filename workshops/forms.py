"""Shared form base: WTForms' built-in messages in French, and Paris date-time fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, Field, IntegerField, RadioField, SelectChoice, SelectField
from wtforms.validators import ValidationError

from .addresses import InvalidEmail, normalize_email
from .dates import NonexistentLocalTime, paris_to_utc, to_paris

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
#: What a person types where the browser shows a plain text box (the hint says so too).
TYPED_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y %H h %M", "%d/%m/%Y %Hh")
#: Years a session can plausibly have: older archives, or planning far ahead. Outside
#: them a typo (year 1, 20266) would overflow time zone arithmetic or mislead visitors.
MIN_YEAR, MAX_YEAR = 2000, 2100


def strip(value: str | None) -> str | None:
    """A field filter: surrounding spaces and line breaks are never meant."""
    return value.strip() if isinstance(value, str) else value


def one_line(value: str | None) -> str | None:
    """A field filter for one-line text (a title, a place, a name): line breaks, tabs and
    repeated spaces, pasted along with it, become single spaces."""
    return " ".join(value.split()) if isinstance(value, str) else value


#: A web address where none belongs: a name or an organisation shown in mails we send
#: (a link there would lend our sender to someone else's message).
_WEB_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)


def no_web_address(form: FlaskForm, field: Field) -> None:
    if field.data and _WEB_ADDRESS.search(field.data):
        raise ValidationError("Ce champ ne doit pas contenir d’adresse web.")


#: Characters Unicode counts as letters or symbols that nonetheless show as blank (Hangul
#: fillers, the blank Braille pattern).
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


class Visible:
    """Validator: at least one visible character (not only spaces, zero-width or other
    invisible characters, which DataRequired lets through)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not any(
            unicodedata.category(character)[0] not in "CZ" and character not in BLANK_LOOKING
            for character in field.data
        ):
            raise ValidationError(self.message)


def normalized_email(form: FlaskForm, field: Field) -> None:
    """Validator: the one email rule (addresses.normalize_email), and the normalized form
    kept as the field's data."""
    try:
        field.data = normalize_email(field.data or "")
    except InvalidEmail as error:
        raise ValidationError(str(error)) from None


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


def render_form(template: str, form: FlaskForm, **context: object) -> tuple[str, int]:
    """Render a page holding `form`: 422 when the submitted form has errors, else 200, so
    that tests, scripts and assistive tools can tell a refused submission from a page."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


class Form(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")


class _PlainChoiceMessage:
    """Replace WTForms' "Not a valid choice" with `choice_message`, in plain French."""

    choice_message: str

    def pre_validate(self, form: FlaskForm) -> None:
        try:
            super().pre_validate(form)  # type: ignore[misc]
        except ValidationError:
            raise ValidationError(self.choice_message) from None


class ChoiceField(_PlainChoiceMessage, SelectField):
    choice_message = "Choisissez une valeur proposée dans la liste."


class RadioChoiceField(_PlainChoiceMessage, RadioField):
    choice_message = "Choisissez une des options proposées."


class ParisDateTimeField(DateTimeLocalField):
    """A date and time typed in Europe/Paris; `data` is an aware UTC datetime.

    A time skipped by the spring clock change is refused with a message rather than
    moved by an hour behind the organizer's back.
    """

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("format", DATETIME_FORMAT)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = " ".join(valuelist[0].split())
        local = _parse_local(raw)
        if local is None:
            self.data = None
            raise ValueError(
                "Saisissez une date et une heure valides, par exemple 03/12/2026 14:00."
            )
        # Shown back as typed if refused below, so that a person fixes one digit, not all.
        self.refused_local = local
        if not MIN_YEAR <= local.year <= MAX_YEAR:
            self.data = None
            raise ValueError(f"Saisissez une année comprise entre {MIN_YEAR} et {MAX_YEAR}.")
        try:
            self.data = paris_to_utc(local)
        except NonexistentLocalTime:
            self.data = None
            raise ValueError(
                "Cette heure n’existe pas en France : ce jour-là, les horloges passent "
                "de 2 h à 3 h. Choisissez une autre heure."
            ) from None

    def _value(self) -> str:
        # An unparseable entry is not echoed back: a datetime-local input cannot show it.
        # A real date refused for its year or the clock change is: the input can hold it.
        if self.data is None:
            refused = getattr(self, "refused_local", None)
            return _input_value(refused) if refused else ""
        return to_paris(self.data).strftime(DATETIME_FORMAT)


def _input_value(local: datetime) -> str:
    """The value a datetime-local input holds; strftime would write year 1 as "1", not "0001"."""
    return f"{local:%Y}".zfill(4) + f"{local:-%m-%dT%H:%M}"


def _parse_local(raw: str) -> datetime | None:
    """A naive Paris wall-clock time from the browser's format or a typed French one."""
    for pattern in (DATETIME_FORMAT, *TYPED_FORMATS):
        try:
            return datetime.strptime(raw, pattern)  # noqa: DTZ007 - Paris wall time
        except ValueError:
            continue
    return None


class NumberField(IntegerField):
    """An integer input that does not echo back a value its `type=number` cannot hold."""

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)
