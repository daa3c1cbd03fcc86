"""Everything about `Event` itself, which every feature reads.

`lifecycle` creates and changes events (create, edit, publish, unpublish, cancel,
duplicate, delete); `visibility` decides who sees an event and which operations its state
allows. Features (catalogue, calendar, registrations, materials) import from here; this
package never imports a feature. When an operation has effects in a feature (cancelling an
event frees its registrations), the caller runs both in the same transaction.
"""
