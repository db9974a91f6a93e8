"""The calendar file of a booking (RFC 5545), built with the icalendar library.

Times are written in the venue's zone with its VTIMEZONE, so calendars show the session
at the right local time wherever the trainee opens it. The UID is stable per booking, so
downloading again updates the same event instead of adding a second one.
"""

from __future__ import annotations

from icalendar import Calendar, Event

from training.database import utcnow
from training.practical.models import Seat, SeatStatus
from training.practical.venue_time import to_local


def seat_calendar(seat: Seat, *, host: str) -> bytes:
    """The .ics bytes of ``seat``'s workshop; a waitlisted booking is marked tentative."""
    workshop = seat.workshop
    calendar = Calendar()
    calendar.add("prodid", "-//Dry Needling Training//Workshops//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"seat-{seat.id}@{host}")
    event.add("dtstamp", utcnow().replace(tzinfo=to_local(utcnow(), "UTC").tzinfo))
    event.add("dtstart", to_local(workshop.starts_at, workshop.timezone))
    event.add("dtend", to_local(workshop.ends_at, workshop.timezone))
    event.add("summary", f"{workshop.course.code} {workshop.title}")
    event.add("location", ", ".join(p for p in (workshop.venue, workshop.address) if p))
    waiting = seat.status == SeatStatus.WAITLISTED.value
    event.add("status", "TENTATIVE" if waiting else "CONFIRMED")
    event.add("description", (
        f"In-person practical of {workshop.course.title}. "
        + ("You are on the waitlist; you will be told if a seat frees up." if waiting else "Your seat is confirmed.")
    ))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
