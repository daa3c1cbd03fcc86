"""Organizer and admin accounts: passwords, login, and the admins' account management."""
