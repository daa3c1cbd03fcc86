"""Time zones and French date formatting.

Datetimes are timezone-aware everywhere and stored in UTC; people read and type them in
Europe/Paris. These functions are pure so templates, forms and (later) calendar feeds agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


#: Non-breaking space: "14 h" and "2 jours" must not be split across lines.
NBSP = "\u00a0"


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by the spring daylight-saving change."""


def utcnow() -> datetime:
    """The current instant, aware, in UTC (a callable for column defaults)."""
    return datetime.now(UTC)


def paris_to_utc(local: datetime) -> datetime:
    """Interpret a naive wall-clock time typed in Europe/Paris and return it in UTC.

    An ambiguous autumn time (it happens twice) is read as its first occurrence, as a
    person would mean it. A time that does not exist (skipped in spring) is refused
    rather than silently shifted by an hour.
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    aware = local.replace(tzinfo=PARIS, fold=0)
    back = aware.astimezone(UTC).astimezone(PARIS)
    if back.replace(tzinfo=None) != local:
        raise NonexistentLocalTime(local.isoformat())
    return aware.astimezone(UTC)


def to_paris(moment: datetime) -> datetime:
    """Convert an aware datetime to Europe/Paris."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store and pass aware datetimes only")
    return moment.astimezone(PARIS)


def french_date(day: date) -> str:
    """'jeudi 3 décembre 2026' (1er for the first day of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number}{NBSP}{MONTHS[day.month - 1]} {day.year}"


def french_time(moment: datetime) -> str:
    """'14 h', '14 h 30', '9 h 05' (with non-breaking spaces)."""
    if moment.minute:
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{moment.hour}{NBSP}h"


def french_datetime(moment: datetime) -> str:
    """'jeudi 3 décembre 2026 à 14 h', in Europe/Paris."""
    local = to_paris(moment)
    return f"{french_date(local.date())} à {french_time(local)}"


def french_range(starts_at: datetime, ends_at: datetime) -> str:
    """'jeudi 3 décembre 2026, de 14 h à 16 h', or 'du … au …' across days, in Europe/Paris."""
    start, end = to_paris(starts_at), to_paris(ends_at)
    if start.date() == end.date():
        return f"{french_date(start.date())}, de {french_time(start)} à {french_time(end)}"
    return (
        f"du {french_date(start.date())} à {french_time(start)} "
        f"au {french_date(end.date())} à {french_time(end)}"
    )


def french_duration(delta: timedelta) -> str:
    """'2 h', '1 h 30', '45 min', '2 jours et 3 h'."""
    minutes = delta // timedelta(minutes=1)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days}{NBSP}jour" + ("s" if days > 1 else ""))
    if hours:
        parts.append(f"{hours}{NBSP}h" + (f"{NBSP}{minutes:02d}" if minutes else ""))
    elif minutes:
        parts.append(f"{minutes}{NBSP}min")
    return " et ".join(parts) or f"0{NBSP}min"


def french_month(moment: datetime) -> str:
    """'décembre 2026', in Europe/Paris, for grouping a list by month."""
    local = to_paris(moment)
    return f"{MONTHS[local.month - 1]} {local.year}"


def day_month_year(moment: datetime) -> str:
    """'3 décembre 2026' (1er for the first), in Europe/Paris: when something was added."""
    local = to_paris(moment)
    number = "1er" if local.day == 1 else str(local.day)
    return f"{number}{NBSP}{MONTHS[local.month - 1]} {local.year}"


def short_date(moment: datetime) -> str:
    """'03/12/2026', in Europe/Paris, for dense tables."""
    return to_paris(moment).strftime("%d/%m/%Y")
