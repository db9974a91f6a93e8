"""Venue time: entered and shown in the venue's IANA zone, stored as naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from training.practical.errors import PracticalError


def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; a clear error for anything else."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PracticalError("Choose the venue's time zone from the list.", "timezone") from None


def to_utc(local: datetime, zone_name: str, field: str) -> datetime:
    """``local`` wall-clock time at the venue as naive UTC; refuses times a clock change skips."""
    tz = zone(zone_name)
    aware = local.replace(tzinfo=tz)
    utc = aware.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != local:
        raise PracticalError(f"{local:%H:%M} does not exist on that day in {zone_name} (the clocks change).", field)
    return utc.replace(tzinfo=None)


def to_local(utc: datetime, zone_name: str) -> datetime:
    """Naive UTC ``utc`` as an aware datetime in the zone ``zone_name``."""
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone_name))
