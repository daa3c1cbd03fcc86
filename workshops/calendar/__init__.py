"""Calendar feeds: iCalendar built by pure functions (ical), feeds read from the database
(feeds), and the routes that send them (views)."""
