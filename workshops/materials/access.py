"""Who may see and download a material: the one home of the rule.

- **Tout le monde** (public): anyone, once the session is public (published or cancelled).
- **Personnes inscrites**: a person with a *confirmed* seat at that session, known through
  their /mes-inscriptions session or a manage link opened in this browser, and the
  organizers. Anyone else learns that the material exists and how to reach it: 403.
- **Équipe d'organisation**: organizers only; to anyone else it does not exist: 404.

A draft session's materials are the organizers' only (404), whatever their visibility.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

from ..events.visibility import is_public
from ..models import Material, MaterialVisibility


class Access(Enum):
    ALLOWED = "allowed"
    #: Shown locked; the download answers 403 with how to get access.
    REGISTRANTS_ONLY = "registrants-only"
    #: Never shown; the download answers 404.
    HIDDEN = "hidden"


@dataclass
class Viewer:
    """Who is looking. `registered` answers "does this person hold a confirmed seat at
    this event?"; it is asked only for registrants-only materials, and remembered."""

    staff: bool = False
    registered: Callable[[int], bool] = lambda event_id: False
    _answers: dict[int, bool] = field(default_factory=dict)

    def is_registered(self, event_id: int) -> bool:
        if event_id not in self._answers:
            self._answers[event_id] = self.registered(event_id)
        return self._answers[event_id]


def access(material: Material, viewer: Viewer) -> Access:
    if viewer.staff:
        return Access.ALLOWED
    if not is_public(material.event) or material.visibility == MaterialVisibility.ORGANIZERS:
        return Access.HIDDEN
    if material.visibility == MaterialVisibility.PUBLIC:
        return Access.ALLOWED
    if viewer.is_registered(material.event_id):
        return Access.ALLOWED
    return Access.REGISTRANTS_ONLY


def shown(materials: Iterable[Material], viewer: Viewer) -> list[tuple[Material, bool]]:
    """The materials this viewer sees listed, each with whether they may open it."""
    listed = []
    for material in materials:
        verdict = access(material, viewer)
        if verdict != Access.HIDDEN:
            listed.append((material, verdict == Access.ALLOWED))
    return listed
