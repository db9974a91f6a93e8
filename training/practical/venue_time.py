"""Venue time: entered and shown in the venue's IANA zone, stored as naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from training.practical.errors import PracticalError


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """Every IANA zone name the system knows, sorted (the time zone choices)."""
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


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
