"""Public listing of sessions, filters, detail pages and the archive of past sessions."""
