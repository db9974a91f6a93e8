"""Validity periods, the expiry reminders due on a day, and the renewal path of a certificate.

A course's :class:`RecertificationRule` sets how long its certificate is valid. The expiry date
is computed once, at issue, and frozen in the signed record: changing the rule later changes
only certificates issued after the change. A certificate is valid through its expiry date and
expired from the next day (``Certificate.status``).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import date

from training.certificates.models import REMINDER_DAYS, RecertificationRule
from training.extensions import db


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(course_id: int, completion_date: date) -> date | None:
    """The last valid day of a certificate completed on ``completion_date`` (None: no expiry).

    The cycle runs ``validity_months`` from completion; the day before the anniversary is the
    last valid day, so a 24-month certificate completed 2026-03-15 is valid through 2028-03-14.
    """
    rule = db.session.get(RecertificationRule, course_id)
    if rule is None:
        return None
    return date.fromordinal(add_months(completion_date, rule.validity_months).toordinal() - 1)


@dataclass(frozen=True)
class Expiring:
    """What reminder selection needs of a live certificate."""

    certificate_id: int
    expires_on: date


def reminders_due(
    certificates: Iterable[Expiring], today: date, already_queued: Set[tuple[int, int]],
    lead_times: tuple[int, ...] = REMINDER_DAYS,
) -> list[tuple[int, int]]:
    """(certificate id, days before) of the reminders to queue today, each lead time once.

    A certificate within a lead time gets that reminder unless it was queued already. When the
    job did not run for a while, only the closest lead time is due (one reminder with the true
    number of days left, not a burst of stale ones). Nothing is due once it has expired.
    """
    due = []
    for cert in certificates:
        left = (cert.expires_on - today).days
        if left < 0:
            continue
        reached = [d for d in lead_times if left <= d]
        if not reached:
            continue
        closest = min(reached)
        if (cert.certificate_id, closest) not in already_queued:
            due.append((cert.certificate_id, closest))
    return due
