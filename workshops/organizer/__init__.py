"""Back office: organizer login, event editing and publishing, account management."""
