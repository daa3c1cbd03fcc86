"""Mail that is never lost: an outbox table, written with the change, delivered after."""
