"""Sign-ups to events: seats, the waiting list, secret links, and what people are told."""
