"""Time zones: the choices a person picks from, and showing stored UTC times in the reader's zone.

Everything is stored in UTC (naive datetimes, see ``training.database.utcnow``). Templates show
a time with ``{{ value|localtime }}`` (date and time) or ``{{ value|localdate }}`` (date only),
in the logged-in person's zone, naming the zone so nobody has to guess; visitors see UTC.
Exports do not use these filters: they stay ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask
from flask_login import current_user

DEFAULT_ZONE = "UTC"
#: the zones of the regions the platform serves, first in the list
COMMON_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Toronto", "America/Vancouver", "Europe/London", "UTC",
)


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone a person may choose (regions, not the legacy aliases)."""
    legacy = ("Etc/", "SystemV/", "posix/", "right/")
    names = {n for n in available_timezones() if "/" in n and not n.startswith(legacy)}
    return tuple(sorted(names | {"UTC"}))


def zone_choices() -> list[tuple[str, str]]:
    common = [(z, z.replace("_", " ")) for z in COMMON_ZONES]
    rest = [(z, z.replace("_", " ")) for z in zone_names() if z not in COMMON_ZONES]
    return common + rest


def is_known_zone(name: str | None) -> bool:
    return bool(name) and name in zone_names()


def reader_zone() -> ZoneInfo:
    name = getattr(current_user, "time_zone", None) or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def to_local(value: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A stored UTC datetime (naive or aware) in ``zone`` (the reader's by default)."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(zone or reader_zone())


def reader_today() -> date:
    """Today's date where the reader is: "today" in a rule (a licence still valid, hours still
    current) means the reader's calendar day, not UTC's, which is already tomorrow on a US evening."""
    return datetime.now(UTC).astimezone(reader_zone()).date()


def localtime(value: datetime | None, fmt: str = "%-d %b %Y, %H:%M %Z") -> str:
    """Jinja filter: ``{{ attempt.submitted_at|localtime }}`` -> "3 Mar 2026, 09:15 MST"."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.strftime("%-d %b %Y") if isinstance(value, date) else str(value)
    return to_local(value).strftime(fmt)


def localdate(value: datetime | date | None) -> str:
    """Jinja filter: the date in the reader's zone ("3 Mar 2026"); a plain date is shown as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).strftime("%-d %b %Y")
    return value.strftime("%-d %b %Y")


def localiso(value: datetime | None) -> str:
    """Jinja filter for ``<time datetime=...>``: the instant in ISO 8601 with the reader's offset."""
    return to_local(value).isoformat(timespec="minutes") if value is not None else ""


def register_time_filters(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
    app.add_template_filter(localiso, "localiso")
