"""The list of people registered to a session, as a spreadsheet opens it."""

from __future__ import annotations

import csv
import io

from ..dates import french_datetime
from ..models import Event, RegistrationStatus
from .service import registrations_by_status

#: The CSV's columns. Semicolons and a byte-order mark: what Excel in French expects.
CSV_COLUMNS = ("Statut", "Position", "Nom", "Adresse", "Organisation", "Message", "Inscription")
#: A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def attendees_csv(event: Event) -> str:
    """Confirmed, then waiting (with their position), then cancelled registrations."""
    groups = registrations_by_status(event)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for status in RegistrationStatus:
        for position, row in enumerate(groups[status.value], start=1):
            writer.writerow(
                (
                    status.label,
                    position if status == RegistrationStatus.WAITLISTED else "",
                    *map(spreadsheet_safe, (row.name, row.email, row.organisation, row.message)),
                    french_datetime(row.created_at),
                )
            )
    return "\ufeff" + buffer.getvalue()
