// Reads an iCalendar document on stdin with Mozilla's ical.js (Thunderbird's parser) and
// prints what a calendar client would show, as JSON: the tests compare it with three Python
// parsers. Time zones are registered from the document's own VTIMEZONEs, as Thunderbird does.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const root = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const text = (name) => vevent.getFirstPropertyValue(name);
  return {
    uid: event.uid,
    summary: event.summary,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    status: text("status"),
    sequence: event.sequence,
    location: event.location,
    description: event.description,
    categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues()),
  };
});
process.stdout.write(JSON.stringify({ name: root.getFirstPropertyValue("x-wr-calname"), events }));
